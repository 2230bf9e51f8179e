// The owner console: Preact (3 KB, React's API; the client stays small enough to load at once on
// a phone) rendering into #app.
import { render } from "preact";
import "./console.css";
import { App } from "./app.tsx";

render(<App />, document.getElementById("app") as HTMLElement);
