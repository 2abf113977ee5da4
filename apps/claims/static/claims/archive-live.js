/* Keep the archive state of cited sources current while a capture runs, without a reload.
 *
 * Cells marked .archive-live (data-citation, data-part "archive" or "excerpt", data-state) are
 * refreshed from the claim's archive-state endpoint, named by the page's #citation-retry form
 * (data-archive-state). The endpoint renders the cells on the server (escaped there); polling
 * runs every few seconds while any source is queued or being fetched, and stops after that.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 2000;
  var MAX_POLLS = 150; // five minutes; a reload starts again
  var ACTIVE = ["queued", "fetching"];

  function cells() {
    return Array.prototype.slice.call(document.querySelectorAll(".archive-live[data-citation]"));
  }

  function anyActive() {
    return cells().some(function (cell) {
      return ACTIVE.indexOf(cell.dataset.state) >= 0;
    });
  }

  function apply(data) {
    var byId = {};
    data.citations.forEach(function (c) {
      byId[String(c.id)] = c;
    });
    cells().forEach(function (cell) {
      var c = byId[cell.dataset.citation];
      if (!c) {
        return;
      }
      var html = cell.dataset.part === "excerpt" ? c.excerpt : c.archive;
      if (cell.dataset.state !== c.state || cell.innerHTML !== html) {
        cell.innerHTML = html;
        cell.dataset.state = c.state;
      }
    });
  }

  function setUp() {
    var form = document.getElementById("citation-retry");
    if (!form || !form.dataset.archiveState || !cells().length) {
      return;
    }
    var url = form.dataset.archiveState;
    var polls = 0;

    function poll() {
      if (!anyActive() || polls >= MAX_POLLS) {
        return;
      }
      polls += 1;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data) {
            apply(data);
          }
        })
        .catch(function () {})
        .then(function () {
          window.setTimeout(poll, INTERVAL_MS);
        });
    }

    window.setTimeout(poll, INTERVAL_MS);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
