// The house reads top to bottom: no import cycle (type imports included) and no import from a
// lower floor to a higher one. The floor order below is the one README's "How it is built" shows.
import path from "node:path";
import ts from "typescript";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findCycles, readImportGraph, traceCycle, type ImportGraph } from "../helpers/read-import-graph.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** top to bottom; a file may import its own floor and any floor below it */
const FLOORS: readonly (readonly string[])[] = [
  ["src/main.ts", "src/cli/", "src/replay/"], // entry points, and the eval replay (it boots an app of its own)
  ["src/boot/"], // wires the context, binds job handlers, registers inbound kinds and turn responders
  ["src/http/"], // the express app and its routes
  ["src/console/", "src/voice/"], // the owner's console; the AI voice agent
  ["src/channels/", "src/slack/"], // each channel's edge and processing; the dispatcher's Slack
  ["src/prompts/", "src/campaigns/", "src/reports/"], // the prompt folder's checks; campaigns; reports
  ["src/sequences/"],
  ["src/agent/"],
  ["src/scheduling/"],
  ["src/messaging/"], // the one door out
  ["src/inbox/"], // the one door in: stored events, contacts, conversations
  ["src/alerts/"],
  ["src/context.ts"], // Ctx: may name (import type) what it holds from higher floors
  ["src/jobs/"], // job definitions and queues, no handlers
  ["src/events/", "src/business/", "src/metrics/", "src/attribution/", "src/contacts/"],
  ["src/config/", "src/db/"],
  ["src/lib/", "src/types/"],
];

const skip = (rel: string) => rel.startsWith("src/generated/");

function floorOf(file: string): number {
  const i = FLOORS.findIndex((floor) => floor.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p)));
  return i;
}

/** the imports of a file that are type-only (`import type …`, or every name marked `type`) */
function typeOnlyTargets(file: string, graph: ImportGraph): Set<string> {
  const src = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.Latest);
  const out = new Set<string>();
  for (const st of src.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const clause = st.importClause;
    const typeOnly =
      clause?.isTypeOnly ||
      (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.every((e) => e.isTypeOnly));
    if (!typeOnly) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), st.moduleSpecifier.text));
    if (graph.get(file)?.includes(target)) out.add(target);
  }
  return out;
}

describe("imports only go down", () => {
  const graph = readImportGraph(ROOT, "src", skip);

  it("reads the whole of src/", () => {
    expect(graph.size).toBeGreaterThan(250);
    expect(graph.get("src/context.ts")).toContain("src/jobs/queues.ts");
  });

  it("has no import cycle, type imports included", () => {
    const cycles = findCycles(graph).map((c) => traceCycle(graph, c).join(" → "));
    expect(cycles).toEqual([]);
  });

  it("puts every file on a floor", () => {
    expect([...graph.keys()].filter((f) => floorOf(f) < 0)).toEqual([]);
  });

  it("never imports from a higher floor (context.ts may name the types it holds)", () => {
    const climbs: string[] = [];
    for (const [file, targets] of graph) {
      const typeOnly = file === "src/context.ts" ? typeOnlyTargets(file, graph) : new Set<string>();
      for (const target of targets) if (floorOf(target) < floorOf(file) && !typeOnly.has(target)) climbs.push(`${file} → ${target}`);
    }
    expect(climbs).toEqual([]);
  });
});

describe("the cycle finder", () => {
  const g = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));
  it.each<{ name: string; edges: Record<string, string[]>; cycles: string[][] }>([
    { name: "a line", edges: { a: ["b"], b: ["c"], c: [] }, cycles: [] },
    { name: "a pair", edges: { a: ["b"], b: ["a"] }, cycles: [["a", "b"]] },
    { name: "a self-import", edges: { a: ["a"] }, cycles: [["a"]] },
    { name: "a ring of three beside a line", edges: { a: ["b"], b: ["c"], c: ["a"], d: ["a"] }, cycles: [["a", "b", "c"]] },
  ])("finds $name", ({ edges, cycles }) => {
    expect(findCycles(g(edges))).toEqual(cycles);
  });

  it("traces a readable path around a cycle", () => {
    expect(traceCycle(g({ a: ["b"], b: ["c"], c: ["a"] }), ["a", "b", "c"])).toEqual(["a", "b", "c", "a"]);
  });
});
