// A section the console does not run itself yet: says so, and names the commands that do it.
export function CliPage({ title, lines }: { title: string; lines: string[] }) {
  return (
    <section>
      <h1>{title}</h1>
      <p>This page is not in the console yet. From the server's folder:</p>
      <pre class="cli">{lines.join("\n")}</pre>
    </section>
  );
}
