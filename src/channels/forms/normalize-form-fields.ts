// Form builders name fields every which way (WordPress CF7 "your-phone", Gravity "Phone",
// Typeform/Zapier "phone_number", HubSpot "firstname"…): map them to one lead shape, and keep
// whatever we don't recognise.
import { toE164 } from "../../lib/phone.ts";
import { normalizeFieldName } from "../../lib/field-name.ts";
import { plausibleName } from "../../lib/plausible-name.ts";
import type { TAttribution } from "../../attribution/attribution-schema.ts";

export interface FormLead {
  /** only a plausible person's name (plausibleName): it is what our texts call them */
  name?: string | undefined;
  /** what was typed in the name fields when it does not look like a name (a link, a sentence) */
  rawName?: string | undefined;
  phone?: string | undefined;
  /** what was typed in the phone field when it is not a usable number */
  rawPhone?: string | undefined;
  email?: string | undefined;
  zip?: string | undefined;
  message?: string | undefined;
  service?: string | undefined;
  /** the homeowner ticked a box agreeing to be texted */
  consent: boolean;
  consentText?: string | undefined;
  /** the form's own submission id, when it sends one */
  id?: string | undefined;
  source?: string | undefined;
  attribution: TAttribution;
  extra: Record<string, string>;
}

const ALIASES: Record<string, string[]> = {
  name: ["name", "full_name", "fullname", "your_name", "contact_name", "customer_name"],
  firstName: ["first_name", "firstname", "fname", "first", "given_name"],
  lastName: ["last_name", "lastname", "lname", "last", "surname", "family_name"],
  phone: [
    "phone",
    "phone_number",
    "phonenumber",
    "tel",
    "telephone",
    "mobile",
    "mobile_phone",
    "mobile_number",
    "cell",
    "cell_phone",
    "your_phone",
    "phone_mobile",
  ],
  email: ["email", "email_address", "e_mail", "e_mail_address", "your_email", "emailaddress"],
  zip: ["zip", "zipcode", "zip_code", "postal_code", "postalcode", "postcode", "post_code", "postal", "zip_postal_code", "postal_zip_code"],
  message: ["message", "comments", "comment", "details", "description", "notes", "your_message", "how_can_we_help", "project_details", "question"],
  service: ["service", "service_type", "services", "job_type", "service_needed", "project_type"],
  consent: ["consent", "sms_consent", "tcpa_consent", "text_consent", "agree", "opt_in", "optin", "accept_sms"],
  consentText: ["consent_text", "consent_language", "tcpa_text", "consent_wording"],
  id: ["id", "lead_id", "submission_id", "entry_id", "form_submission_id", "response_id"],
  source: ["source", "lead_source"],
  utmSource: ["utm_source"],
  utmMedium: ["utm_medium"],
  utmCampaign: ["utm_campaign"],
  utmTerm: ["utm_term"],
  utmContent: ["utm_content"],
  gclid: ["gclid"],
  fbclid: ["fbclid"],
  msclkid: ["msclkid"],
  landingPage: ["landing_page", "page_url", "page", "url", "landing_page_url", "source_url"],
  referrer: ["referrer", "referer", "referring_url"],
  formId: ["form_id", "form_name", "form"],
};
const FIELD_OF = new Map(Object.entries(ALIASES).flatMap(([field, names]) => names.map((n) => [n, field] as const)));

const TRUE = /^(true|yes|y|on|1|checked|agree|agreed|i agree)$/i;

/** Flattens a submitted body (strings, numbers, booleans, one level of arrays) to trimmed strings. */
function flatten(body: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(body)) {
    const value = Array.isArray(v)
      ? v.filter((x) => ["string", "number", "boolean"].includes(typeof x)).join(", ")
      : ["string", "number", "boolean"].includes(typeof v)
        ? String(v)
        : undefined;
    if (value !== undefined && value.trim() !== "") out.set(k, value.trim().slice(0, 5000));
  }
  return out;
}

export function normalizeFormFields(body: Record<string, unknown>): FormLead {
  const known: Record<string, string> = {};
  const extra: Record<string, string> = {};
  for (const [k, v] of flatten(body)) {
    const field = FIELD_OF.get(normalizeFieldName(k));
    if (field && known[field] === undefined) known[field] = v;
    else if (!field) extra[k] = v;
  }
  const typedName = known.name ?? ([known.firstName, known.lastName].filter(Boolean).join(" ") || undefined);
  const name = plausibleName(typedName);
  const phone = known.phone ? toE164(known.phone) : undefined;
  const email = known.email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(known.email) ? known.email.toLowerCase() : undefined;
  const zip = known.zip ? (/^(\d{5})(-\d{4})?$/.exec(known.zip)?.[1] ?? known.zip.toUpperCase().slice(0, 10)) : undefined;
  return {
    name,
    rawName: typedName && !name ? typedName.slice(0, 200) : undefined,
    phone,
    rawPhone: known.phone && !phone ? known.phone : undefined,
    email,
    zip,
    message: known.message,
    service: known.service,
    consent: known.consent !== undefined && TRUE.test(known.consent),
    consentText: known.consentText,
    id: known.id?.slice(0, 200),
    source: known.source?.slice(0, 100),
    attribution: {
      utm: { source: known.utmSource, medium: known.utmMedium, campaign: known.utmCampaign, term: known.utmTerm, content: known.utmContent },
      gclid: known.gclid,
      fbclid: known.fbclid,
      msclkid: known.msclkid,
      landingPage: known.landingPage,
      referrer: known.referrer,
      formId: known.formId,
    },
    extra,
  };
}
