import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../db/open-database.ts";

export interface Templates {
  textBack: string;
  acknowledgement: string;
  help: string;
  voicemailGreeting: string;
  /** "text me instead": the one fixed text to the number typed (business name and code only) */
  chatPhoneInvitation: string;
  /** the chat's system line once the number's owner proved it */
  chatJoined: string;
  formFirstText: string;
  /** template mode: asks for what the office needs to call back (both, or the one missing) */
  askDetails: string;
  askService: string;
  askZip: string;
  /** template mode: service and ZIP known, a person takes it from here */
  detailsReceived: string;
  /** the agent's safe answer when its own reply failed the guard twice or the model failed */
  agentFallback: string;
  /** the one text confirming a plain-language opt-out (Twilio confirms the STOP keywords itself) */
  optOutConfirmation: string;
}

/** Reads prompts/templates/*.txt once at start-up. */
export function loadTemplates(dir = join(PACKAGE_ROOT, "prompts/templates")): Templates {
  const read = (f: string) => readFileSync(join(dir, f), "utf8").trim();
  return {
    textBack: read("text-back.txt"),
    acknowledgement: read("acknowledgement.txt"),
    help: read("help.txt"),
    voicemailGreeting: read("voicemail-greeting.txt"),
    chatPhoneInvitation: read("chat-phone-invitation.txt"),
    chatJoined: read("chat-joined.txt"),
    formFirstText: read("form-first-text.txt"),
    askDetails: read("ask-details.txt"),
    askService: read("ask-service.txt"),
    askZip: read("ask-zip.txt"),
    detailsReceived: read("details-received.txt"),
    agentFallback: read("agent-fallback.txt"),
    optOutConfirmation: read("opt-out-confirmation.txt"),
  };
}
