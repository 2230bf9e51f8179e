// Meta's side of Lead Ads: the signed leadgen webhook and the Graph API lead lookup (msw).
import { createHmac } from "node:crypto";
import { http, HttpResponse } from "msw";

export const GRAPH = "https://graph.facebook.com/v21.0";

export function leadgenWebhook(p: { pageId: string; leadgenId: string; formId?: string; adId?: string }) {
  const now = Math.floor(Date.now() / 1000);
  return {
    object: "page",
    entry: [
      {
        id: p.pageId,
        time: now,
        changes: [
          {
            field: "leadgen",
            value: {
              ad_id: p.adId ?? "6000000000001",
              form_id: p.formId ?? "7000000000001",
              leadgen_id: p.leadgenId,
              created_time: now,
              page_id: p.pageId,
              adgroup_id: "6000000000002",
            },
          },
        ],
      },
    ],
  };
}

export function signMeta(appSecret: string, raw: string): string {
  return "sha256=" + createHmac("sha256", appSecret).update(raw).digest("hex");
}

/** GET /{leadgen_id}: answers from `leads`; `failNext` makes the next lookups 500. */
export function createGraphFake() {
  const leads = new Map<string, { name: string; values: string[] }[]>();
  const calls: { leadgenId: string; token: string | null }[] = [];
  let failures = 0;
  const handler = http.get(`${GRAPH}/:leadgenId`, ({ params, request }) => {
    const id = String(params.leadgenId);
    calls.push({ leadgenId: id, token: new URL(request.url).searchParams.get("access_token") });
    if (failures > 0) {
      failures--;
      return HttpResponse.json(
        { error: { message: "An unexpected error has occurred.", type: "OAuthException", code: 2, fbtrace_id: "A1b2C3" } },
        { status: 500 },
      );
    }
    const fields = leads.get(id);
    if (!fields)
      return HttpResponse.json(
        { error: { message: `Unsupported get request. Object with ID '${id}' does not exist`, type: "GraphMethodException", code: 100 } },
        { status: 400 },
      );
    return HttpResponse.json({
      created_time: "2026-11-18T15:00:00+0000",
      id,
      ad_id: "6000000000001",
      form_id: "7000000000001",
      campaign_id: "8000000000001",
      is_organic: false,
      field_data: fields,
    });
  });
  return {
    handler,
    calls,
    addLead(id: string, fields: Record<string, string>) {
      leads.set(
        id,
        Object.entries(fields).map(([name, v]) => ({ name, values: [v] })),
      );
    },
    failNext(n: number) {
      failures += n;
    },
  };
}
