import { describe, expect, it } from "vitest";
import { htmlToPlainText, truncateAtWordBoundary } from "./plain-text";

describe("htmlToPlainText", () => {
  it.each([
    ["", ""],
    ["Plain text stays", "Plain text stays"],
    ["<p>Hello <strong>world</strong></p>", "Hello world"],
    ["<p>One</p><p>Two</p>", "One\nTwo"],
    ["Line one<br>Line two<br/>Line three<BR />end", "Line one\nLine two\nLine three\nend"],
    ["<ul><li>Soft</li><li>Warm</li></ul>", "- Soft\n- Warm"],
    ["<p>Steps:</p><ol><li>Wash</li><li>Dry</li></ol>", "Steps:\n1. Wash\n2. Dry"],
    ["<ol><li>A<ul><li>a</li></ul></li><li>B</li></ol>", "1. A\n- a\n2. B"],
    ["Fish &amp; chips &lt;3 &quot;yum&quot; &#39;ok&#39;", "Fish & chips <3 \"yum\" 'ok'"],
    ["caf&eacute; &uuml;ber Gr&ouml;&szlig;e &euro;5 &mdash; &hellip;", "café über Größe €5 — …"],
    ["&#8211; &#x2014; &#X41;", "– — A"],
    ["a&nbsp;&nbsp;b", "a b"],
    ["AT&T &unknown; &#xZZ; & done", "AT&T &unknown; &#xZZ; & done"],
    ["&#0; &#x110000; &#xD800;", "\uFFFD \uFFFD \uFFFD"],
    ["&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"],
    ["Before<script>var x = '<p>';</script>After", "Before After"],
    ["<style>p { color: red }</style><p>Styled</p>", "Styled"],
    ["<SCRIPT type='x'>1 < 2</SCRIPT >Shown", "Shown"],
    ["<script>never closed", ""],
    ["Keep <!-- a comment <p> --> going", "Keep going"],
    ["<!DOCTYPE html><p>Doc</p>", "Doc"],
    ["<a href=\"/x?a=1&b=2\" title='a > b'>link</a> text", "link text"],
    ["5 < 6 and 7 > 3", "5 < 6 and 7 > 3"],
    ["x<3", "x<3"],
    ["  lots   of \t\n spaces  ", "lots of spaces"],
    ["<table><tr><td>Size</td><td>M</td></tr><tr><td>Fit</td><td>Slim</td></tr></table>", "Size M\nFit Slim"],
    ["<div><p>Nested</p>\n\n<p>blocks</p></div>", "Nested\nblocks"],
    ["soft&shy;hyphen", "softhyphen"],
    ["unterminated <b", "unterminated"],
    ["emoji 🎉<br>ok", "emoji 🎉\nok"],
    ["zero\u200bwidth and\u00a0nbsp", "zero width and nbsp"],
  ])("%j → %j", (html, text) => {
    expect(htmlToPlainText(html)).toBe(text);
  });

  it("treats null and undefined as empty", () => {
    expect(htmlToPlainText(null)).toBe("");
    expect(htmlToPlainText(undefined)).toBe("");
  });

  it("handles a large description in one linear pass", () => {
    const html = "<p>Lorem <em>ipsum</em> dolor &amp; sit amet.</p>".repeat(4_000); // ~200 kB
    const started = performance.now();
    const text = htmlToPlainText(html);
    // Milliseconds when idle; the bound only catches quadratic work on a busy CI box.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(text.startsWith("Lorem ipsum dolor & sit amet.\nLorem")).toBe(true);
  });
});

describe("truncateAtWordBoundary", () => {
  it.each([
    ["short", 10, "short"],
    ["exactly ten", 11, "exactly ten"],
    ["The quick brown fox jumps", 20, "The quick brown fox…"],
    ["The quick brown fox, jumps", 21, "The quick brown fox…"],
    ["Supercalifragilisticexpialidocious", 10, "Supercali…"],
    ["Line one\nLine two", 12, "Line one…"],
    ["a🎉🎉🎉🎉", 4, "a🎉…"],
    ["abc", 1, "…"],
  ])("%j max %d → %j", (text, max, expected) => {
    const cut = truncateAtWordBoundary(text, max);
    expect(cut).toBe(expected);
    expect(cut.length).toBeLessThanOrEqual(max);
  });

  it("cuts a 5,000+ character description to at most 5,000", () => {
    const text = "word ".repeat(2000).trim();
    const cut = truncateAtWordBoundary(text, 5000);
    expect(cut.length).toBeLessThanOrEqual(5000);
    expect(cut.endsWith("word…")).toBe(true);
  });
});
