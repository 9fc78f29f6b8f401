/* The site's own behaviour, on every page. Pages hold no inline script and no on…= or hx-on
   handler (the Content-Security-Policy allows scripts from static files only): elements ask for
   a behaviour with data attributes, read here by listeners on the document. */
(function () {
  "use strict";

  /* Upload progress, for a form that posts a file through htmx and holds a <progress>:
       data-upload-progress="90"      follow the bytes sent; the value is the share of the bar
                                      the upload fills (100 when empty; a page may keep the rest
                                      for the answer)
       data-upload-start              show the bar, empty, as the request starts
       data-upload-clear="#id"        empty that element as the request starts
       data-upload-done="full|hide"   once the answer is in: fill the bar, or hide and empty it
     A [data-progress-text] element in the form shows the percent, then the form's
     data-checking text once everything is sent. The listeners capture the events on the
     document, so the form's bar is up to date before anything on the page hears them. */
  function uploadForm(event) {
    var target = event.target;
    return target && target.closest ? target.closest("form[data-upload-progress]") : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = uploadForm(event);
    if (!form) { return; }
    if (form.hasAttribute("data-upload-start")) {
      var bar = form.querySelector("progress");
      bar.value = 0;
      bar.hidden = false;
    }
    if (form.dataset.uploadClear) {
      var clear = document.querySelector(form.dataset.uploadClear);
      if (clear) { clear.innerHTML = ""; }
    }
  }, true);

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploadForm(event);
    if (!form || !event.detail.lengthComputable) { return; }
    var share = Number(form.dataset.uploadProgress) || 100;
    var bar = form.querySelector("progress");
    var percent = Math.round(event.detail.loaded * share / event.detail.total);
    bar.hidden = false;
    bar.value = percent;
    var text = form.querySelector("[data-progress-text]");
    if (text) {
      text.hidden = false;
      text.textContent = percent < 100 ? percent + " %" : form.dataset.checking;
    }
  }, true);

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = uploadForm(event);
    if (!form) { return; }
    var bar = form.querySelector("progress");
    if (form.dataset.uploadDone === "full") {
      bar.value = 100;
    } else if (form.dataset.uploadDone === "hide") {
      var text = form.querySelector("[data-progress-text]");
      bar.hidden = true;
      bar.value = 0;
      if (text) { text.hidden = true; }
    }
  }, true);

  /* data-swap-statuses="403 409 422" on an element: htmx answers with these statuses to a
     request from inside it carry a fragment to show (a refusal, a conflict), swapped like a
     success instead of being dropped as errors. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.target;
    var holder = target && target.closest ? target.closest("[data-swap-statuses]") : null;
    if (!holder) { return; }
    var statuses = holder.dataset.swapStatuses.split(/\s+/);
    if (statuses.indexOf(String(event.detail.xhr.status)) >= 0) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  /* data-print on a button: print the page. */
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { window.print(); }
  });

  /* data-disable-on-submit on a form: its submit button is disabled once it is sent, so a
     second click does not send it twice. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-disable-on-submit]")) { return; }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
  });
})();
