/* Portal enhancements. Every form works without this file: it only adds drag and drop,
   pasting screenshots from the clipboard, a list of the chosen files, and showing the
   telephone field when the customer asks to be called. */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "en";
  var text = { en: { remove: "Remove" }, sv: { remove: "Ta bort" } }[lang.slice(0, 2)] || { remove: "Remove" };

  function size(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1048576) return (bytes / 1024).toFixed(0) + " kB";
    return (bytes / 1048576).toFixed(1) + " MB";
  }

  function stamp() {
    var d = new Date();
    function two(n) { return String(n).padStart(2, "0"); }
    return d.getFullYear() + two(d.getMonth() + 1) + two(d.getDate()) + "-" +
      two(d.getHours()) + two(d.getMinutes()) + two(d.getSeconds());
  }

  /* A drop zone keeps its files in a DataTransfer and puts them on the file input, so the
     ordinary form submission (or htmx's FormData) sends them. */
  function Dropzone(zone) {
    this.zone = zone;
    this.input = zone.querySelector("input[type=file]");
    this.list = zone.querySelector("[data-file-list]");
    this.files = new DataTransfer();
    var self = this;
    this.input.addEventListener("change", function () {
      // Files chosen with the dialog are added to those already dropped or pasted.
      var chosen = Array.prototype.slice.call(self.input.files);
      chosen.forEach(function (f) {
        if (!self.has(f)) self.files.items.add(f);
      });
      self.sync();
    });
    zone.addEventListener("dragover", function (e) {
      e.preventDefault();
      zone.classList.add("over");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      self.add(Array.prototype.slice.call(e.dataTransfer.files));
    });
    zone.dropzone = this;
  }

  Dropzone.prototype.has = function (file) {
    return Array.prototype.some.call(this.files.files, function (f) {
      return f.name === file.name && f.size === file.size && f.lastModified === file.lastModified;
    });
  };

  Dropzone.prototype.add = function (files) {
    var self = this;
    files.forEach(function (f) { self.files.items.add(f); });
    this.sync();
  };

  Dropzone.prototype.remove = function (index) {
    var kept = new DataTransfer();
    Array.prototype.forEach.call(this.files.files, function (f, i) {
      if (i !== index) kept.items.add(f);
    });
    this.files = kept;
    this.sync();
  };

  Dropzone.prototype.sync = function () {
    this.input.files = this.files.files;
    var self = this;
    this.list.textContent = "";
    Array.prototype.forEach.call(this.files.files, function (f, i) {
      var li = document.createElement("li");
      if (f.type.indexOf("image/") === 0 && f.type !== "image/svg+xml") {
        var img = document.createElement("img");
        img.alt = "";
        img.src = URL.createObjectURL(f);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        li.appendChild(img);
      }
      var name = document.createElement("span");
      name.textContent = f.name + " (" + size(f.size) + ")";
      li.appendChild(name);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = text.remove;
      button.setAttribute("aria-label", text.remove + " " + f.name);
      button.addEventListener("click", function () { self.remove(i); });
      li.appendChild(button);
      self.list.appendChild(li);
    });
  };

  function enhance(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-dropzone]"), function (zone) {
      if (!zone.dropzone) new Dropzone(zone);
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-contact]"), function (set) {
      var phone = set.parentNode.querySelector("[data-phone]");
      if (!phone) return;
      function update() {
        var chosen = set.querySelector("input:checked");
        var byPhone = chosen && chosen.value === "phone";
        phone.hidden = !byPhone;
        var input = phone.querySelector("input");
        if (input) input.required = !!byPhone;
      }
      set.addEventListener("change", update);
      update();
    });
  }

  /* Pasting an image anywhere on the page adds it to the drop zone of the form being
     filled in (the one holding the focus), else to the first on the page. */
  document.addEventListener("paste", function (e) {
    var data = e.clipboardData;
    if (!data) return;
    var images = Array.prototype.filter.call(data.files || [], function (f) {
      return f.type.indexOf("image/") === 0;
    });
    if (!images.length) return;
    var form = document.activeElement && document.activeElement.closest("form");
    var zone = (form && form.querySelector("[data-dropzone]")) || document.querySelector("[data-dropzone]");
    if (!zone || !zone.dropzone) return;
    e.preventDefault();
    var named = images.map(function (f, i) {
      var ext = (f.type.split("/")[1] || "png").replace("jpeg", "jpg");
      var name = "screenshot-" + stamp() + (images.length > 1 ? "-" + (i + 1) : "") + "." + ext;
      return new File([f], name, { type: f.type, lastModified: Date.now() });
    });
    zone.dropzone.add(named);
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  // htmx replaces the reply form after sending: enhance the new one.
  document.addEventListener("htmx:afterSettle", function (e) { enhance(e.target); });
})();
