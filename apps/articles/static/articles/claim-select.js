/* Make a selected span of the article text a claim.
 *
 * Each stretch of the text carries data-start, its offset in the article body; a selection's ends
 * become body offsets by adding the length of the text before them in their stretch, counted in
 * code points as Python counts (the browser counts UTF-16 units). The offsets go to the server in
 * a plain form POST (#claim-add, with its CSRF token), which trims, checks and refuses.
 */
(function () {
  "use strict";

  function codePoints(text) {
    return Array.from(text).length;
  }

  function setUp() {
    var text = document.querySelector(".claims-in-context");
    var form = document.getElementById("claim-add");
    var toolbar = document.querySelector(".claim-toolbar");
    if (!text || !form || !toolbar) {
      return; // no article text here, or this user may not add claims
    }
    var button = document.getElementById("claim-add-button");
    var shown = document.getElementById("claim-selection");
    var hint = shown.textContent;
    var bodyLength = Number(text.dataset.length);
    var span = null;
    toolbar.hidden = false;

    function startOf(element) {
      var marked = element.matches("[data-start]") ? element : element.querySelector("[data-start]");
      return marked ? Number(marked.dataset.start) : null;
    }

    function offsetOf(node, offset) {
      if (node === text) {
        var child = text.childNodes[offset];
        return child ? startOf(child) : bodyLength;
      }
      var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
      if (element.classList.contains("claim-wrap")) {
        // Between a highlight and its button: the start or the end of the claim.
        var claim = element.querySelector("[data-start]");
        return startOf(claim) + (offset === 0 ? 0 : codePoints(claim.textContent));
      }
      var stretch = element.closest("[data-start]");
      if (!stretch || !text.contains(stretch)) {
        return null; // inside a button, or outside the text
      }
      var before = document.createRange();
      before.setStart(stretch, 0);
      before.setEnd(node, offset);
      return Number(stretch.dataset.start) + codePoints(before.toString());
    }

    function selectionSpan() {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
        return null;
      }
      var range = selection.getRangeAt(0);
      if (!text.contains(range.commonAncestorContainer)) {
        return null;
      }
      var start = offsetOf(range.startContainer, range.startOffset);
      var end = offsetOf(range.endContainer, range.endOffset);
      if (start === null || end === null || end <= start) {
        return null;
      }
      return { start: start, end: end, text: range.toString() };
    }

    document.addEventListener("selectionchange", function () {
      span = selectionSpan();
      button.disabled = span === null;
      if (span === null) {
        shown.textContent = hint;
        return;
      }
      var words = span.text.replace(/\s+/g, " ").trim();
      shown.textContent = "“" + (words.length > 120 ? words.slice(0, 119) + "…" : words) +
        "” (characters " + span.start + " to " + span.end + ")";
    });

    // Pressing the button must not take the focus, or some browsers drop the selection first.
    button.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });

    button.addEventListener("click", function () {
      if (span === null) {
        return;
      }
      form.elements.start.value = String(span.start);
      form.elements.end.value = String(span.end);
      button.disabled = true;
      form.submit();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
