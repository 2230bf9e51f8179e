// SLACK_API_URL: @slack/web-api's own form (…/api/) and a bare host both reach the Web API at /api/
// (issue 16: https://slack.com/api/ used to become /api/api/… and every call a 404). Our SlackApi and
// Bolt's receiver both take their base from slackApiUrl.
import { describe, expect, it } from "vitest";
import { slackApiUrl } from "../../src/slack/slack-api.ts";

describe("slackApiUrl", () => {
  it.each<[string | undefined, string]>([
    [undefined, "https://slack.com/api/"],
    // @slack/web-api's form (CONTRACT.md)
    ["https://slack.com/api/", "https://slack.com/api/"],
    ["https://slack.com/api", "https://slack.com/api/"],
    ["https://slack.com/api//", "https://slack.com/api/"],
    ["https://slack.com/API/", "https://slack.com/API/"],
    // a bare host
    ["https://slack.com", "https://slack.com/api/"],
    ["https://slack.com/", "https://slack.com/api/"],
    ["http://127.0.0.1:9999", "http://127.0.0.1:9999/api/"],
    ["http://127.0.0.1:9999/api/", "http://127.0.0.1:9999/api/"],
    // a proxy that serves Slack under a prefix
    ["https://proxy.example/slack", "https://proxy.example/slack/api/"],
    ["https://proxy.example/slack/api/", "https://proxy.example/slack/api/"],
    // "api" inside another segment is not the API path
    ["https://proxy.example/myapi", "https://proxy.example/myapi/api/"],
  ])("%j → %j", (base, expected) => {
    expect(slackApiUrl(base)).toBe(expected);
  });
});
