import { describe, expect, it } from "vitest";
import { buildMirrorPost, speakerOf, type MirroredMessage } from "../../src/slack/build-mirror-post.ts";
import { classifySlackMessage } from "../../src/slack/classify-slack-message.ts";
import { describeAssignment } from "../../src/slack/describe-assignment.ts";
import { escapeMrkdwn } from "../../src/slack/escape-mrkdwn.ts";
import { slackToPlainText } from "../../src/slack/slack-to-plain-text.ts";

const reply = { type: "message", channel: "C1", user: "U1", text: "On my way", ts: "2.000002", thread_ts: "1.000001" };

describe("classifySlackMessage", () => {
  it.each<[string, unknown, string]>([
    ["a person's thread reply", reply, "reply"],
    ["note: keeps it internal", { ...reply, text: "note: call first" }, "note"],
    ["NOTE: in capitals, after spaces", { ...reply, text: "  NOTE:  gate code 1234" }, "note"],
    ["a note word later in the text is a reply", { ...reply, text: "please note: we come at 3" }, "reply"],
    ["a bot's post (the mirror's own)", { ...reply, bot_id: "B1" }, "ignore"],
    ["an app's post", { ...reply, app_id: "A1" }, "ignore"],
    ["an edit", { ...reply, subtype: "message_changed" }, "ignore"],
    ["a deletion", { ...reply, subtype: "message_deleted" }, "ignore"],
    ["a join", { ...reply, subtype: "channel_join" }, "ignore"],
    ["a thread broadcast", { ...reply, subtype: "thread_broadcast" }, "ignore"],
    ["a top-level message", { ...reply, thread_ts: undefined }, "ignore"],
    ["the thread root itself", { ...reply, thread_ts: reply.ts }, "ignore"],
    ["no author", { ...reply, user: undefined }, "ignore"],
    ["blank text", { ...reply, text: "   " }, "ignore"],
    ["not a message at all", { type: "reaction_added", user: "U1" }, "ignore"],
    ["garbage", "hello", "ignore"],
  ])("%s", (_, event, kind) => {
    expect(classifySlackMessage(event).kind).toBe(kind);
  });

  it("the bot's own user id is never a dispatcher", () => {
    expect(classifySlackMessage({ ...reply, user: "UBOT" }, "UBOT").kind).toBe("ignore");
  });

  it("a note loses its prefix; a reply keeps its text and thread", () => {
    expect(classifySlackMessage({ ...reply, text: "note: gate code 1234" })).toEqual({
      kind: "note",
      channel: "C1",
      threadTs: "1.000001",
      user: "U1",
      text: "gate code 1234",
    });
    expect(classifySlackMessage(reply)).toEqual({ kind: "reply", channel: "C1", threadTs: "1.000001", user: "U1", text: "On my way" });
  });
});

describe("slackToPlainText / escapeMrkdwn", () => {
  it.each([
    ["plain", "See you at 3", "See you at 3"],
    ["escapes undone", "Tom &amp; Jerry &lt;3 &gt;", "Tom & Jerry <3 >"],
    ["a labelled link", "see <https://acme.example/x|our page>", "see our page (https://acme.example/x)"],
    ["a bare link", "see <https://acme.example>", "see https://acme.example"],
    ["a link labelled with itself", "<https://a.example|https://a.example>", "https://a.example"],
    ["a mailto", "write <mailto:office@acme.example|office@acme.example>", "write office@acme.example"],
    ["a user mention", "ask <@U123> or <@U456|sam>", "ask @Dana or @sam"],
    ["a channel", "in <#C123|dispatch>", "in #dispatch"],
    ["special mentions", "<!here> <!channel>", "@here @channel"],
    ["trimmed", "  hi  ", "hi"],
  ])("%s", (_, input, out) => {
    expect(slackToPlainText(input, { U123: "Dana" })).toBe(out);
  });

  it("escape then unescape is the identity for homeowner text", () => {
    for (const s of ["a & b", "<!here>", "x < y > z", "&amp; literally"]) expect(slackToPlainText(escapeMrkdwn(s))).toBe(s);
  });
});

describe("buildMirrorPost", () => {
  const m = (over: Partial<MirroredMessage>): MirroredMessage => ({
    direction: "inbound",
    channel: "sms",
    author: "contact",
    authorName: null,
    body: "hello",
    media: [],
    status: "received",
    holdReason: null,
    ...over,
  });
  const section = (x: MirroredMessage) => (buildMirrorPost(x).blocks![0] as { text: { text: string } }).text.text;

  it.each<[string, Partial<MirroredMessage>, string]>([
    ["homeowner", {}, "Homeowner"],
    ["AI", { direction: "outbound", author: "ai" }, "AI"],
    ["template", { direction: "outbound", author: "template" }, "AI (template)"],
    ["dispatcher with a name", { direction: "outbound", author: "human", authorName: "Dana" }, "Dispatcher (Dana)"],
    ["dispatcher without", { direction: "outbound", author: "human" }, "Dispatcher"],
    ["system", { direction: "outbound", author: "system" }, "System"],
  ])("speaker: %s", (_, over, speaker) => {
    expect(speakerOf(m(over))).toBe(speaker);
    expect(section(m(over))).toContain(`*${speaker}*`);
  });

  it.each<[string, Partial<MirroredMessage>, RegExp]>([
    ["homeowner text escaped (cannot ping)", { body: "<!channel> & co" }, /&lt;!channel&gt; &amp; co/],
    ["a call", { channel: "voice", body: "Missed call" }, /\(call\)/],
    ["web chat", { channel: "webchat" }, /\(web chat\)/],
    ["held by the send policy", { direction: "outbound", author: "ai", status: "scheduled", holdReason: "quiet-hours" }, /_\(scheduled: quiet-hours\)_/],
    ["no text", { body: "" }, /_\(no text\)_/],
  ])("%s", (_, over, re) => {
    expect(section(m(over))).toMatch(re);
  });

  it("MMS photos become image blocks with links; other media links only; non-http URLs dropped", () => {
    const post = buildMirrorPost(
      m({
        body: "look",
        media: [
          { url: "https://api.twilio.com/m/1", contentType: "image/jpeg" },
          { url: "https://api.twilio.com/m/2", contentType: "audio/mpeg" },
          { url: "javascript:alert(1)", contentType: "image/png" },
        ],
      }),
    );
    const blocks = post.blocks as { type: string; image_url?: string; elements?: { text: string }[] }[];
    expect(blocks.filter((b) => b.type === "image").map((b) => b.image_url)).toEqual(["https://api.twilio.com/m/1"]);
    expect(blocks.at(-1)!.elements![0]!.text).toBe("<https://api.twilio.com/m/1|photo 1> · <https://api.twilio.com/m/2|attachment 2>");
    expect(post.text).not.toContain("<!");
  });
});

describe("describeAssignment", () => {
  it.each<["ai" | "human", string, string]>([
    ["human", "slack:Dana", "Dana took over; the AI is paused here."],
    ["human", "ai", "The AI handed the conversation to a person; it is paused here."],
    ["human", "emergency", "Emergency: handed to a person; the AI is paused here."],
    ["ai", "slack:Dana", "Dana handed the conversation back to the AI."],
  ])("%s by %s", (handledBy, by, line) => {
    expect(describeAssignment(handledBy, by)).toBe(line);
  });
});
