// Isolated world, document_start: the least a bridge can do — one listener.
window.addEventListener("message", () => {});
