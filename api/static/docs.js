// Starts Swagger UI on /docs (a file, not an inline script: see api/api_docs.py).
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
