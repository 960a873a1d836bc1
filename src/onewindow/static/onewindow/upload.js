/* Online application (网上申请): each chosen file is sent at once with XMLHttpRequest so a
   progress bar can show how far a large file has gone. Without this script the files go with
   the form's own post (保存草稿 / 提交申请). Our own code, no library. */
(function () {
  "use strict";
  /* A size as people read it: "56 KB" under 1 MB (a small scan is not "0.0MB"), "2.4 MB" from
     there on; the pages say it the same way (documents/templatetags/file_size.py). */
  function sizeText(n) {
    if (n < 1048576) { return (Math.round(n / 1024) || (n ? 1 : 0)) + " KB"; }
    return (n / 1048576).toFixed(1).replace(/\.0$/, "") + " MB";
  }

  function send(form, input) {
    var id = input.getAttribute("data-material");
    var file = input.files[0];
    var bar = document.getElementById("p" + id);
    var status = document.getElementById("s" + id);
    var shown = form.querySelector('[data-file-for="' + id + '"]');
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (!file) { return; }
    if (max && file.size > max) {
      status.textContent = "文件大小为" + sizeText(file.size) + "，超过上限" + sizeText(max) + "，请压缩后重新选择。";
      status.className = "upload-status errorlist";
      input.value = "";
      return;
    }
    var data = new FormData();
    data.append("file", file);
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("data-upload-base") + id + "/");
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    bar.hidden = false;
    bar.value = 0;
    status.className = "upload-status";
    status.textContent = "正在上传……";
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = "已上传" + bar.value + "%（" + sizeText(e.loaded) + " / " + sizeText(e.total) + "）";
      }
    };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      bar.hidden = true;
      if (xhr.status === 200) {
        status.textContent = "上传完成。";
        shown.hidden = false;
        shown.textContent = "已上传：" + body.name + "（" + sizeText(body.size) + "）";
        input.value = "";
      } else {
        status.className = "upload-status errorlist";
        status.textContent = body.error || "上传失败，请重试。";
        input.value = "";
      }
    };
    xhr.onerror = function () {
      bar.hidden = true;
      status.className = "upload-status errorlist";
      status.textContent = "网络中断，上传失败，请重试。";
    };
    xhr.send(data);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.apply[data-upload-base]");
    if (!form || !window.FormData) { return; }
    form.querySelectorAll("input[type=file][data-material]").forEach(function (input) {
      input.addEventListener("change", function () { send(form, input); });
    });
  });
})();
