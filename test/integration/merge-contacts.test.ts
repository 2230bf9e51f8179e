// Two contacts that turn out to be one homeowner: everything of the one that goes (its open thread,
// its sequences, visits, review links, work events) continues on the one that stays. A row left
// behind would be deleted with the contact (cascade) or point at nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/open-database.ts";
import { withTransaction } from "../../src/db/with-transaction.ts";
import { mergeContacts } from "../../src/inbox/merge-contacts.ts";
import { pgAdmin } from "../helpers/pg-admin.ts";
import { createTestDatabase } from "../helpers/test-leadline.ts";

const AT = new Date("2026-03-02T15:00:00Z");
let db: Database;
let dbName: string;
let businessId: string;

beforeAll(async () => {
  const t = await createTestDatabase();
  dbName = t.name;
  db = await openDatabase({ url: t.url, poolSize: 2 });
  businessId = (await db.prisma.business.create({ data: { slug: "acme-plumbing", name: "Acme", timezone: "America/New_York", profile: {} } })).id;
});

afterAll(async () => {
  await db.close();
  await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

/** a contact with an open conversation, a message and (optionally) the rest of a homeowner's life */
async function homeowner(phone: string | null, life: boolean) {
  const p = db.prisma;
  const contact = await p.contact.create({ data: { businessId, phone, createdAt: AT } });
  const conversation = await p.conversation.create({
    data: { businessId, contactId: contact.id, channel: phone ? "sms" : "webchat", createdAt: AT, lastMessageAt: AT },
  });
  await p.message.create({
    data: {
      businessId,
      contactId: contact.id,
      conversationId: conversation.id,
      direction: "inbound",
      channel: phone ? "sms" : "webchat",
      author: "contact",
      status: "received",
      body: "hello",
      createdAt: AT,
    },
  });
  if (life) {
    await p.appointment.create({
      data: {
        businessId,
        contactId: contact.id,
        conversationId: conversation.id,
        serviceKey: "drain",
        crew: 1,
        startAt: new Date("2026-03-05T14:00:00Z"),
        endAt: new Date("2026-03-05T15:00:00Z"),
        busyUntil: new Date("2026-03-05T15:30:00Z"),
        createdAt: AT,
      },
    });
    const enrollment = await p.enrollment.create({
      data: {
        businessId,
        contactId: contact.id,
        conversationId: conversation.id,
        sequenceKey: "lead-follow-up",
        subjectKey: contact.id,
        anchorAt: AT,
        startedAt: AT,
        nextAt: AT,
      },
    });
    await p.reviewLink.create({
      data: { businessId, contactId: contact.id, enrollmentId: enrollment.id, token: `tok${contact.id}`, url: "https://g.page/r/x", createdAt: AT },
    });
  }
  return { contact, conversation };
}

describe("merging two contacts", () => {
  it("moves the visits, sequences and review links of the contact that goes, and folds its open thread into the other's", async () => {
    const chat = await homeowner(null, true);
    const known = await homeowner("+12125550111", false);
    await db.prisma.conversation.update({ where: { id: chat.conversation.id }, data: { handledBy: "human" } });

    await withTransaction(db.prisma, (tx) => mergeContacts(tx, businessId, chat.contact.id, known.contact.id));

    expect(await db.prisma.contact.findUnique({ where: { id: chat.contact.id } })).toBeNull();
    const keep = { contactId: known.contact.id };
    expect(await db.prisma.enrollment.count({ where: { ...keep, conversationId: known.conversation.id } })).toBe(1);
    expect(await db.prisma.appointment.count({ where: { ...keep, conversationId: known.conversation.id } })).toBe(1);
    expect(await db.prisma.reviewLink.count({ where: keep })).toBe(1);
    expect(await db.prisma.message.count({ where: { ...keep, conversationId: known.conversation.id } })).toBe(2);
    expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id: chat.conversation.id } })).status).toBe("merged");
    // a person who took the homeowner over keeps them
    expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id: known.conversation.id } })).handledBy).toBe("human");
  });
});
