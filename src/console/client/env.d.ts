// Vite's client types: CSS imports and import.meta.env in the console's client.
/// <reference types="vite/client" />
