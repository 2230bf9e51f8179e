// The baseline for ingest.vs_bare_express: parse the form body and answer empty TwiML.
import express from "express";

const app = express();
app.post("/webhooks/twilio/sms", express.urlencoded({ extended: false }), (_req, res) => {
  res.type("text/xml").send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
});
const server = app.listen(0, "127.0.0.1", () => {
  const a = server.address();
  console.log(`listening ${typeof a === "object" && a ? a.port : 0}`);
});
