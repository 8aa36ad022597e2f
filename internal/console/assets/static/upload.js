// Uploads with a progress bar. Each file goes as the raw body of one
// request, so the console server can stream it on to PutObject and the
// browser can report progress from XMLHttpRequest's upload events.

function uploadOne(bucket, key, file, csrf, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/buckets/${encodeURIComponent(bucket)}/upload?key=${encodeURIComponent(key)}`);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    });
    xhr.addEventListener("load", () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body);
      } else {
        reject(body.error || { summary: `The upload failed with HTTP ${xhr.status}.` });
      }
    });
    xhr.addEventListener("error", () => reject({ summary: "The connection to the console broke during the upload." }));
    xhr.send(file);
  });
}

// describe formats an error object of the console's JSON API.
export function describe(err) {
  let text = err.summary || "The request failed.";
  if (err.code) text += ` (${err.source || "OSS"} error ${err.code}${err.message ? ": " + err.message : ""})`;
  return text;
}

export function bindUploads(csrfToken) {
  const form = document.getElementById("upload");
  if (!form) return;
  const input = document.getElementById("upload-file");
  const prefixInput = document.getElementById("upload-prefix");
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = Array.from(input.files);
    if (files.length === 0) return;
    let prefix = prefixInput.value.trim();
    if (prefix && !prefix.endsWith("/")) prefix += "/";
    bar.parentElement.hidden = false;
    status.classList.remove("bad");
    const total = files.reduce((n, f) => n + f.size, 0) || 1;
    let done = 0;
    try {
      for (const file of files) {
        status.textContent = `Uploading ${file.name}…`;
        await uploadOne(form.dataset.bucket, prefix + file.name, file, csrfToken(), (loaded) => {
          bar.value = Math.round(((done + loaded) / total) * 100);
        });
        done += file.size;
        bar.value = Math.round((done / total) * 100);
      }
      bar.value = 100;
      status.textContent = files.length === 1 ? `Uploaded ${files[0].name}.` : `Uploaded ${files.length} files.`;
      const target = new URL(window.location.href);
      target.searchParams.set("prefix", prefix);
      target.searchParams.delete("token");
      setTimeout(() => { window.location.assign(target.toString()); }, 400);
    } catch (err) {
      status.textContent = describe(err);
      status.classList.add("bad");
    }
  });
}
