// Messages ("Your comment is published.") arrive with the page, in a live region that is
// already full when the page loads, which most screen readers do not read out. Read them
// out as a change instead: hide the list (its space kept, so nothing moves) and show it
// again a moment later. Without this file the region is still there for the screen
// readers that do read it at load.
(function () {
  "use strict";

  document.querySelectorAll("[data-messages]").forEach(function (region) {
    region.classList.add("messages--pending");
    // Long enough for assistive technology to take in the region empty first.
    window.setTimeout(function () {
      region.classList.remove("messages--pending");
      region.setAttribute("data-messages-announced", "");
    }, 300);
  });
})();
