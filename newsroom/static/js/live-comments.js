// The live notices: "new comments" under a story, "new updates" on a live blog. Each box
// asks its small JSON endpoint (articles/views/live.py) how many comments, or updates, are
// newer than the newest one the page showed, and says "3 new comments: show" in a notice
// fixed in the window, so nothing the reader is reading moves. "show" opens the address the
// endpoint gave: the newest comment's permalink (the page holding it, in the reader's order,
// at its anchor), or the live blog's newest updates at the newest one's anchor.
//
// One poller for both (the box's data-* attributes carry its address and words): polite,
// every 30 seconds, slower while nothing changes or the server has trouble, never while the
// tab is hidden, and not at all on a page without a box (no comment section, closed
// comments, a live blog whose coverage ended). Without this file the page is the same.
(function () {
  "use strict";

  var INTERVAL = 30 * 1000;
  var QUIET_MAX = 2 * 60 * 1000;
  var ERROR_MAX = 10 * 60 * 1000;

  if (typeof window.fetch !== "function" || typeof window.URL !== "function") return;
  var boxes = document.querySelectorAll("#comments [data-live-comments], #updates [data-live-updates]");
  for (var i = 0; i < boxes.length; i++) watch(boxes[i]);

  function watch(box) {
    var since = box.getAttribute("data-since");
    var endpoint = box.getAttribute("data-url");
    if (!since || !endpoint) return;

    var delay = INTERVAL;
    var timer = null;
    var busy = false;
    var shown = 0;
    var dismissed = 0;
    var stopped = false;

    function address() {
      var url = new URL(endpoint, window.location.href);
      url.searchParams.set("since", since);
      return url.toString();
    }

    function words(count) {
      if (count === 1) return box.getAttribute("data-one") || "1 new comment:";
      var many = box.getAttribute("data-many") || "%(count)s new comments:";
      return many.replace("%(count)s", String(count));
    }

    function clear() {
      while (box.firstChild) box.removeChild(box.firstChild);
    }

    function show(count, url) {
      if (count === shown) return;
      shown = count;
      clear();
      if (count <= dismissed) return;
      var text = document.createElement("p");
      text.appendChild(document.createTextNode(words(count) + " "));
      var link = document.createElement("a");
      link.href = url;
      link.textContent = box.getAttribute("data-show") || "show";
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
          return; // a new tab or window: the link as it is
        }
        // The permalink redirects to the article page, which the browser may keep for a
        // minute (Cache-Control max-age) from before these comments: fetch it afresh first
        // (the redirect and the page, so the cache holds the new one), then go.
        event.preventDefault();
        var go = function () {
          window.location.assign(url);
        };
        window.fetch(url, { cache: "reload", credentials: "same-origin" }).then(go, go);
      });
      text.appendChild(link);
      box.appendChild(text);
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "×";
      close.setAttribute("aria-label", box.getAttribute("data-close") || "Dismiss");
      close.addEventListener("click", function () {
        dismissed = shown;
        clear();
      });
      box.appendChild(close);
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = null;
      if (stopped || document.hidden) return;
      timer = window.setTimeout(poll, delay);
    }

    function poll() {
      timer = null;
      if (stopped || busy || document.hidden) return;
      busy = true;
      window
        .fetch(address(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 404 || response.status === 400) {
            stopped = true; // the story is gone, or the page is not one this script knows
            return null;
          }
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (!data) return;
          var count = Number(data.count) || 0;
          // Something new: keep asking at the usual pace; nothing new: a little slower.
          delay = count !== shown ? INTERVAL : Math.min(delay * 1.5, QUIET_MAX);
          show(count, data.url);
        })
        .catch(function () {
          delay = Math.min(delay * 2, ERROR_MAX);
        })
        .then(function () {
          busy = false;
          schedule();
        });
    }

    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        window.clearTimeout(timer);
        timer = null;
      } else if (!timer && !busy) {
        delay = INTERVAL;
        poll(); // back on the tab: ask now, then at the usual pace
      }
    });

    schedule();
  }
})();
