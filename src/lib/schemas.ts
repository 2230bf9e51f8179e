// Shapes that several doors check at the edge.
import { z } from "zod";

export const ZSlugValue = z.string().regex(/^[a-z0-9-]{1,63}$/, "must be a business slug");
export const ZSlugParams = z.object({ slug: ZSlugValue });
/** our row ids (cuid-shaped, see lib/new-id.ts) */
export const ZRowId = z.string().regex(/^[a-z0-9]{20,40}$/, "must be an id");
