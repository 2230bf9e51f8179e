// How many tokens the model may write in one call (issue 16 item 3): a model endpoint that streams back 60 kB must not
// be waited for, paid for, or read. The budget follows the prompt's reply budget (front matter `maxReplyChars`):
// - the reply: about 3 characters a token. English runs near 4; numbers, Spanish and short words run lower, and a
//   budget that cut a reply the guard would have accepted would turn good answers into fallbacks.
// - headroom for tool calls, whose JSON arguments (ids, ISO times, a name, a note) are written in the same completion:
//   512 tokens holds a few calls side by side.
// A reply cut at this limit is over `maxReplyChars` for any budget under 768 characters (the default is 300), as a token
// is at least one character: the guard refuses it for its length and asks for a shorter one instead of sending half a
// sentence.
const CHARS_PER_TOKEN = 3;
const TOOL_CALL_HEADROOM = 512;

export function limitReplyTokens(maxReplyChars: number): number {
  return Math.ceil(maxReplyChars / CHARS_PER_TOKEN) + TOOL_CALL_HEADROOM;
}
