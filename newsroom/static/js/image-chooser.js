/* The body editor's image chooser, opened by the figure dialog's "Browse..." (progressive
 * enhancement: without a script, or opened on its own, the page shows each image's address
 * to paste into the dialog). "Use this image" hands the address, alternative text and
 * caption to the dialog that opened it, which inserts the figure at the cursor.
 */
(function () {
  "use strict";

  var list = document.querySelector(".newsroom-chooser-list");
  var opener = window.opener;
  var callback = opener && opener.CKEDITOR && opener.CKEDITOR.tools && opener.CKEDITOR.tools.callFunction;
  if (!list || !callback || list.dataset.funcNum === "") {
    return;
  }
  var funcNum = Number(list.dataset.funcNum);
  list.querySelectorAll("[data-newsroom-choose]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      opener.CKEDITOR.tools.callFunction(funcNum, button.dataset.url, {
        alternative_text: button.dataset.alt,
        caption: button.dataset.caption,
      });
      window.close();
    });
  });
})();
