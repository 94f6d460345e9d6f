// Mozilla Readability.js over jsdom, for many saved pages in one process.
//
//   node readability_js.js FILE...        (or the paths one a line on stdin)
//
// Writes one JSON object a line, in input order: {path, title, byline, text, content}
// (text = the parsed article's textContent, content = its HTML), or {path, error}.
// Nothing is fetched and no page script runs (jsdom's default resources, runScripts off).
// Bytes that are valid UTF-8 go in as text (as Readability's own test harness reads its
// pages); others as bytes, for jsdom to sniff the charset as a browser does (a UTF-8 page
// with no charset in its first 1024 bytes would otherwise be read as windows-1252).
"use strict";

const fs = require("fs");
const { JSDOM, VirtualConsole } = require("jsdom");
const { Readability } = require("@mozilla/readability");

const quiet = new VirtualConsole(); // CSS and markup complaints of the pages: not ours to print

const utf8 = new TextDecoder("utf-8", { fatal: true });

function source(bytes) {
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes;
  }
}

function extract(path) {
  const dom = new JSDOM(source(fs.readFileSync(path)), {
    url: "https://example.invalid/page.html", // a base for relative links; never loaded
    contentType: "text/html",
    virtualConsole: quiet,
  });
  try {
    const article = new Readability(dom.window.document).parse();
    if (!article) return { path, error: "Readability found no article" };
    return {
      path,
      title: article.title || null,
      byline: article.byline || null,
      text: article.textContent || "",
      content: article.content || "",
    };
  } finally {
    dom.window.close();
  }
}

function main() {
  let paths = process.argv.slice(2);
  if (!paths.length) paths = fs.readFileSync(0, "utf8").split("\n").filter((p) => p.trim());
  for (const path of paths) {
    let record;
    try {
      record = extract(path);
    } catch (err) {
      record = { path, error: String(err && err.message ? err.message : err).slice(0, 300) };
    }
    process.stdout.write(JSON.stringify(record) + "\n");
  }
}

main();
