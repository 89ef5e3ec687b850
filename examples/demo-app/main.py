"""A tiny web app to package: serves a greeting on port 8000."""

from http.server import BaseHTTPRequestHandler, HTTPServer


class Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello from the demo app\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    print("listening on :8000", flush=True)
    HTTPServer(("", 8000), Hello).serve_forever()
