/* The article form's writing aids (progressive enhancement; the form works without it).
 *
 * - The body's word count and reading time under the editor, printed by the server
 *   (articles/writing.py) and kept live here while typing, by the same rule.
 */
(function () {
  "use strict";

  var output = document.getElementById("newsroom-word-count");
  var body = document.getElementById("id_body");
  if (!output || !body) {
    return;
  }
  var perMinute = Number(output.dataset.wordsPerMinute) || 230;
  var scratch = document.createElement("div");

  function count(html) {
    // Block boundaries separate words, as the server's body_text() does.
    scratch.innerHTML = html.replace(/<(\/?(p|h[1-6]|li|ul|ol|blockquote|figure|figcaption|pre)|br|hr)\b[^>]*>/gi, " ");
    var text = (scratch.textContent || "").trim();
    return text ? text.split(/\s+/).length : 0;
  }

  function label(words) {
    var minutes = words ? Math.ceil(words / perMinute) : 0;
    return (words === 1 ? "1 word" : words + " words") + " \u00b7 " + minutes + " min read";
  }

  function update() {
    output.textContent = label(count(body.value));
  }

  body.addEventListener("input", update);
})();
