import { z } from "zod";
import { defineTool } from "./agent-tool.ts";

export const checkServiceArea = defineTool({
  name: "check_service_area",
  description: "Whether a 5-digit US ZIP code is in the business's service area.",
  schema: z.object({ zip: z.string().regex(/^\d{5}$/, "a 5-digit ZIP code") }).strict(),
  async run(_ctx, scope, { zip }) {
    const zips = scope.business.profile.serviceArea?.zips;
    // no list in the profile: the business has not limited its area
    return { zip, inArea: zips ? zips.includes(zip) : true, ...(zips ? {} : { note: "no service area configured" }) };
  },
});
