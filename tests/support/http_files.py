"""A small runner for the rest_client/*.http files (the VS Code REST Client subset they use).

Supported: `@name = value` file variables (resolved lazily, may reference responses), requests
separated by `###`, `# @name req` to name a request, `# @expect STATUS` (ours) for the status
to check, `{{var}}`, `{{$timestamp}}`, `{{req.response.body.a.b}}` (optionally `$.a.b`),
`{{req.response.headers.Name}}`, and `< relative/path` lines that include a file in the body.
"""
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

VARIABLE = re.compile(r"^@([\w-]+)\s*=\s*(.*)$")
PLACEHOLDER = re.compile(r"{{\s*([^}]+?)\s*}}")
REQUEST_LINE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)(\s+HTTP/[\d.]+)?$")


@dataclass
class HttpRequest:
    """One request of a .http file, before variables are substituted."""

    source: str
    title: str
    method: str = ""
    url: str = ""
    name: str | None = None
    expect: int | None = None
    headers: list = field(default_factory=list)
    body_lines: list = field(default_factory=list)


def parse(path: Path):
    """File variables and requests of a .http file, in order."""
    variables, requests_, block = {}, [], []
    blocks = [block]
    for line in path.read_text().splitlines():
        if line.startswith("###"):
            block = [line]
            blocks.append(block)
        else:
            block.append(line)
    for number, lines in enumerate(blocks):
        request = HttpRequest(source=f"{path.name} #{number}", title=lines[0].lstrip("#").strip() if lines else "")
        state = "start"
        for line in lines[1:] if number else lines:
            stripped = line.strip()
            if state == "start":
                if match := VARIABLE.match(stripped):
                    variables[match.group(1)] = match.group(2).strip()
                elif match := re.match(r"^(#|//)\s*@name\s+(\S+)", stripped):
                    request.name = match.group(2)
                elif match := re.match(r"^(#|//)\s*@expect\s+(\d{3})", stripped):
                    request.expect = int(match.group(2))
                elif match := REQUEST_LINE.match(stripped):
                    request.method, request.url = match.group(1), match.group(2)
                    state = "headers"
            elif state == "headers":
                if not stripped:
                    state = "body"
                else:
                    name, _, value = stripped.partition(":")
                    request.headers.append((name.strip(), value.strip()))
            else:
                request.body_lines.append(line)
        if request.method:
            while request.body_lines and not request.body_lines[-1].strip():
                request.body_lines.pop()
            requests_.append(request)
    return variables, requests_


class Runner:
    """Runs the requests of one file in order, keeping responses for later references."""

    def __init__(self, path: Path, overrides: dict):
        self.path = path
        self.variables, self.requests = parse(path)
        self.variables.update(overrides)
        self.responses = {}
        self.session = requests.Session()

    def resolve(self, text: str, depth=0) -> str:
        if depth > 10:
            raise ValueError(f"variables nest too deep in {text!r}")
        return PLACEHOLDER.sub(lambda m: self.resolve(self.value(m.group(1)), depth + 1), text)

    def value(self, expression: str) -> str:
        if expression == "$timestamp":
            return str(int(time.time()))
        if expression in self.variables:
            return self.variables[expression]
        name, _, rest = expression.partition(".response.")
        if name not in self.responses:
            raise KeyError(f"{self.path.name}: unknown variable or request {expression!r}")
        response = self.responses[name]
        part, _, selector = rest.partition(".")
        if part == "headers":
            return response.headers[selector]
        value = response.json()
        for key in selector.removeprefix("$.").split("."):
            value = value[int(key)] if isinstance(value, list) else value[key]
        return str(value)

    def body(self, request: HttpRequest, content_type: str) -> bytes | None:
        if not request.body_lines:
            return None
        newline = b"\r\n" if content_type.startswith("multipart/") else b"\n"
        parts = []
        for line in request.body_lines:
            if line.startswith("< "):
                parts.append((self.path.parent / line[2:].strip()).read_bytes())
            else:
                parts.append(self.resolve(line).encode())
        return newline.join(parts)

    def send(self, request: HttpRequest) -> requests.Response:
        headers = {name: self.resolve(value) for name, value in request.headers}
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        response = self.session.request(request.method, self.resolve(request.url), headers=headers,
                                        data=self.body(request, content_type), timeout=30)
        if request.name:
            self.responses[request.name] = response
        return response
