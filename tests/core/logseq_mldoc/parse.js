// Reads Logseq Markdown on stdin, writes mldoc's syntax tree as JSON, parsed with the
// options Logseq gives a Markdown file (deps/graph-parser/src/logseq/graph_parser/mldoc.cljc,
// default-config).
const { Mldoc } = require("mldoc");

const config = JSON.stringify({
  toc: false,
  parse_outline_only: false,
  heading_number: false,
  keep_line_break: true,
  format: "Markdown",
  heading_to_list: false,
});
const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  process.stdout.write(Mldoc.parseJson(Buffer.concat(chunks).toString("utf8"), config));
});
