// Upload progress of the account import form (htmx reports the bytes sent).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("import-form");
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  if (!form || !bar || !window.htmx) { return; }
  htmx.on(form, "htmx:xhr:progress", function (evt) {
    if (!evt.detail.lengthComputable) { return; }
    var percent = Math.round(evt.detail.loaded / evt.detail.total * 100);
    bar.hidden = false;
    text.hidden = false;
    bar.value = percent;
    text.textContent = percent < 100 ? percent + " %" : form.dataset.checking;
  });
  htmx.on(form, "htmx:afterRequest", function () {
    bar.hidden = true;
    text.hidden = true;
    bar.value = 0;
  });
});
