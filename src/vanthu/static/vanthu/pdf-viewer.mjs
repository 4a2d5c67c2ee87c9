// In-page PDF viewer: one canvas per page, sized to the container (so it fits a phone screen),
// drawn at the device pixel ratio for sharp text. The library and worker are the vendored pdfjs-dist.
const container = document.getElementById("pdf-viewer");

async function render(root) {
  const pdfjs = await import(root.dataset.libUrl);
  pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.workerUrl;
  // isEvalSupported: false — PDF.js would otherwise probe for eval(), which the Content-Security-Policy forbids.
  const pdf = await pdfjs.getDocument({ url: root.dataset.pdfUrl, withCredentials: true, isEvalSupported: false })
    .promise;
  root.replaceChildren();
  const width = Math.max(root.clientWidth - 8, 240);
  const ratio = window.devicePixelRatio || 1;
  for (let number = 1; number <= pdf.numPages; number += 1) {
    const page = await pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (width / base.width) * ratio });
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.dataset.page = String(number);
    canvas.setAttribute("aria-label", `Trang ${number}/${pdf.numPages}`);
    root.appendChild(canvas);
    await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
  }
  root.dataset.rendered = String(pdf.numPages);
}

if (container) {
  render(container).catch((error) => {
    console.error(error);
    const message = document.createElement("p");
    message.className = "text-danger small";
    message.textContent = container.dataset.error;
    container.replaceChildren(message);
  });
}
