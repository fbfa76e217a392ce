#!/usr/bin/env python3
"""Fetch a corpus of real configuration files from package registries.

Real projects ship their configuration files inside the packages they
publish: PyPI source distributions carry pyproject.toml, setup.cfg, tox.ini,
.pre-commit-config.yaml, mkdocs.yml and often their CI workflows; npm
tarballs carry package.json and tsconfig.json; crates carry Cargo.toml; Java
jars carry .properties files; Debian packages carry php.ini; the HCL
library's Go module carries .hcl files. This script
downloads a fixed list of popular packages at pinned versions, picks the
configuration files out of them and lays them out under a cache directory
(default ~/.cache/gocfg-corpus, or $GOCFG_CORPUS_DIR), with a manifest that
compare.py reads. Nothing of the corpus belongs in the repository.

Usage: python scripts/corpus/fetch.py [--cache DIR] [--only pypi,npm,...]

Idempotent: an archive already in the cache (and matching its checksum
where the registry publishes one) is not downloaded again, and the file
layout is rebuilt from the archives on every run, so the manifest always
describes exactly what the package list gives. A package that cannot be had
(a version gone, a registry not answering) is reported and skipped; the
others still make the corpus.

Only the registries' own download endpoints are used, one package at a
time, for the names listed below (the same requests pip, npm, cargo, Maven
and apt make); Debian packages come through `apt-get download`, and the
one Go module (HCL files; see GOMOD) through `go mod download`.
"""

from __future__ import annotations

import argparse
import fnmatch
import functools
import hashlib
import json
import os
import posixpath
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Callable, Iterator, Optional

# --------------------------------------------------------------- the packages
# Chosen for being popular and for carrying configuration files of their own
# (test fixtures, templates, project settings). Versions are pinned so that
# the corpus is the same on every run.

PYPI = [
    ("requests", "2.34.2"), ("flask", "3.1.3"), ("pytest", "9.2.0"),
    ("tox", "4.67.13"), ("black", "26.10.1"), ("mypy", "2.4.1"),
    ("ruff", "0.17.5"), ("pydantic", "2.14.3"), ("fastapi", "0.163.2"),
    ("httpx", "0.28.1"), ("attrs", "26.1.0"), ("click", "8.5.1"),
    ("jinja2", "3.1.6"), ("pyyaml", "6.0.3"), ("setuptools", "84.2.1"),
    ("virtualenv", "21.15.7"), ("pre-commit", "4.7.0"), ("mkdocs", "1.6.1"),
    ("mkdocs-material", "9.8.1"), ("sphinx", "9.2.0"), ("coverage", "7.17.3"),
    ("flake8", "7.5.0"), ("pylint", "4.1.4"), ("isort", "9.0.2"),
    ("poetry-core", "2.5.0"), ("hatchling", "1.33.0"), ("tomlkit", "0.15.2"),
    ("ansible-core", "2.21.5"), ("yamllint", "1.38.0"),
    ("python-dotenv", "1.2.4"), ("cookiecutter", "2.7.1"),
    ("jsonschema", "4.26.0"), ("dynaconf", "3.3.5"), ("environs", "15.2.0"),
    ("django-environ", "0.14.0"), ("python-decouple", "3.8"),
    ("hydra-core", "1.3.8"), ("omegaconf", "2.4.0"),
    ("pydantic-settings", "2.16.3"), ("nox", "2026.10.20"),
    ("sphinx-rtd-theme", "3.1.0"), ("pytest-cov", "7.1.0"), ("rich", "15.0.0"),
    ("typer", "0.29.1"), ("uvicorn", "0.54.0"), ("scrapy", "2.19.0"),
    ("celery", "5.7.0"), ("sqlalchemy", "2.1.9"), ("alembic", "1.20.1"),
    ("docker", "7.2.0"), ("kubernetes", "37.0.2"), ("yapf", "0.43.0"),
    ("bandit", "1.9.4"), ("checkov", "3.3.30"), ("mkdocstrings", "1.0.8"),
    ("pdm", "2.29.4"), ("poetry", "2.5.1"), ("twine", "7.0.0"),
    ("build", "1.6.1"), ("packaging", "26.3"), ("urllib3", "2.8.0"),
    ("charset-normalizer", "3.5.2"), ("idna", "3.20"),
    # .env files: compose's test fixtures, Procfile runners
    ("docker-compose", "1.29.2"), ("honcho", "2.0.0"),
    # HCL and Terraform files: the parser's own test fixtures
    ("python-hcl2", "8.1.4"),
]

NPM = [
    ("typescript", "7.0.2"), ("eslint", "10.15.0"), ("prettier", "3.10.1"),
    ("@babel/core", "8.1.2"), ("react", "19.3.1"), ("vue", "3.5.45"),
    ("webpack", "5.112.2"), ("lodash", "4.18.1"), ("express", "5.3.0"),
    ("jest", "30.5.2"), ("vite", "8.3.8"), ("rollup", "4.68.5"),
    ("tslib", "2.9.1"), ("commander", "15.1.0"), ("chalk", "6.0.1"),
    ("axios", "1.21.1"), ("@tsconfig/recommended", "1.0.13"),
    ("@tsconfig/node20", "20.1.10"), ("@tsconfig/strictest", "2.0.8"),
    ("@vue/tsconfig", "0.9.1"), ("browserslist", "4.29.6"),
    ("mime-db", "1.54.0"), ("spdx-license-ids", "3.0.24"), ("ajv", "8.20.0"),
    ("markdownlint", "0.42.1"), ("typescript-eslint", "8.73.0"),
    ("eslint-config-prettier", "10.1.8"), ("create-vite", "9.3.0"),
    ("dotenv", "18.0.10"), ("create-next-app", "16.4.3"),
    ("@nestjs/cli", "12.0.8"), ("nodemon", "3.1.14"), ("husky", "9.1.7"),
    ("lint-staged", "17.6.1"), ("@commitlint/config-conventional", "21.2.4"),
    ("stylelint-config-standard", "41.0.0"), ("postcss", "8.5.33"),
    ("eslint-plugin-react", "7.37.5"), ("@eslint/js", "10.0.1"),
    ("globals", "17.14.0"), ("jsonc-parser", "3.3.1"), ("yaml", "2.9.1"),
    ("js-yaml", "5.5.0"), ("semver", "7.8.6"), ("@types/node", "26.6.6"),
    ("lerna", "10.1.1"), ("serverless", "4.43.0"),
    ("vscode-languageserver", "10.1.2"), ("@vscode/vsce", "4.1.0"),
    # project generators: their templates carry .env examples
    ("create-t3-app", "7.40.0"), ("@dotenvx/dotenvx", "2.38.2"),
    ("create-redwood-app", "8.9.0"), ("create-strapi-app", "5.55.0"),
    ("create-turbo", "2.11.4"),
]

CRATES = [
    ("serde", "1.0.210"), ("serde_json", "1.0.128"), ("tokio", "1.40.0"),
    ("clap", "4.5.20"), ("rand", "0.8.5"), ("regex", "1.11.0"),
    ("syn", "2.0.79"), ("anyhow", "1.0.89"), ("thiserror", "1.0.64"),
    ("log", "0.4.22"), ("reqwest", "0.12.8"), ("hyper", "1.4.1"),
    ("axum", "0.7.7"), ("rayon", "1.10.0"), ("itertools", "0.13.0"),
    ("chrono", "0.4.38"), ("uuid", "1.10.0"), ("toml", "0.8.19"),
    ("toml_edit", "0.22.22"), ("serde_yaml", "0.9.34+deprecated"),
    ("libc", "0.2.159"), ("bytes", "1.7.2"), ("futures", "0.3.31"),
    ("once_cell", "1.20.2"), ("tracing", "0.1.40"), ("base64", "0.22.1"),
    ("bitflags", "2.6.0"), ("cc", "1.1.28"), ("proc-macro2", "1.0.87"),
    ("quote", "1.0.37"), ("ripgrep", "14.1.1"), ("tokio-util", "0.7.12"),
    ("mio", "1.0.2"), ("config", "0.14.0"), ("figment", "0.10.19"),
    ("dotenvy", "0.15.7"), ("java-properties", "2.0.0"),
]

# (group, artifact, version): jars hold .properties files (pom.properties in
# every one, message bundles, the libraries' own defaults).
MAVEN = [
    ("org.apache.tomcat.embed", "tomcat-embed-core", "10.1.30"),
    ("org.hibernate.validator", "hibernate-validator", "8.0.1.Final"),
    ("org.quartz-scheduler", "quartz", "2.3.2"),
    ("org.springframework.boot", "spring-boot", "3.3.4"),
    ("org.springframework.boot", "spring-boot-autoconfigure", "3.3.4"),
    ("org.apache.kafka", "kafka-clients", "3.8.0"),
    ("ch.qos.logback", "logback-classic", "1.5.8"),
    ("org.apache.commons", "commons-lang3", "3.17.0"),
    ("com.fasterxml.jackson.core", "jackson-databind", "2.17.2"),
    ("org.apache.logging.log4j", "log4j-core", "2.24.1"),
    ("org.hsqldb", "hsqldb", "2.7.3"),
    ("org.apache.zookeeper", "zookeeper", "3.9.2"),
    ("org.flywaydb", "flyway-core", "10.18.2"),
    ("org.apache.activemq", "activemq-broker", "6.1.3"),
    ("org.eclipse.jetty", "jetty-server", "12.0.14"),
]

# Go modules holding HCL files. No package registry here carries Terraform
# modules, so HCL comes from the module gocfg's own HCL codec depends on
# (its spec suite, fixtures and fuzz seeds), fetched with `go mod download`.
GOMOD = [("github.com/hashicorp/hcl/v2", "v2.25.0")]

# Debian packages (from the machine's apt sources) with configuration files.
DEBIAN = ["php8.2-common", "tomcat10", "activemq"]

# ---------------------------------------------------------------- selection

MAX_BYTES = 1 << 20      # bigger files are data, not configuration
MAX_PER_FORMAT = 40      # per package and format, so no one package dominates

# jsonc: files whose owning tool (TypeScript, VS Code, ESLint, Babel,
# markdownlint) reads JSON with comments and trailing commas.
JSONC_NAMES = ("tsconfig*.json", "jsconfig*.json", ".eslintrc.json", ".eslintrc",
               ".babelrc", ".babelrc.json", "devcontainer.json", ".devcontainer.json",
               "*.jsonc", ".markdownlint.json", ".swcrc", "api-extractor.json",
               "typedoc.json", "turbo.json", "biome.json", "deno.json", "language-configuration.json")
INI_NAMES = ("*.ini", "setup.cfg", "*.cfg", ".flake8", ".coveragerc", ".pylintrc", "pylintrc",
             ".isort.cfg", ".editorconfig", ".bumpversion.cfg", ".pydocstyle", ".yamllint.cfg")
ENV_NAMES = (".env", ".env.*", "*.env", "env.example", "example.env")


def classify(relpath: str, head: bytes = b"") -> Optional[str]:
    """The format a file is in, judged by its name as the owning tool would
    (and, for .json, by whether it opens with a comment), or None."""
    name = posixpath.basename(relpath)
    low = name.lower()
    parts = relpath.split("/")
    if low in (".envrc",) or low.endswith((".pyc", ".py", ".js", ".ts", ".md", ".sh")):
        return None
    if any(fnmatch.fnmatch(low, p) for p in JSONC_NAMES) or (
            any("vscode" in part for part in parts[:-1]) and low.endswith(".json")):
        return "jsonc"
    if low.endswith(".json"):
        if head.lstrip()[:2] in (b"//", b"/*"):
            # a .json file that opens with a comment is read by its owner
            # (Kafka's message specs, editor settings) as JSON with comments
            return "jsonc"
        return "json"
    if low.endswith((".yml", ".yaml")) or low in (".clang-format", ".prettierrc"):
        return "yaml"
    if low.endswith(".toml") or low in ("cargo.toml.orig", "pipfile", "cargo.lock", "poetry.lock", "pdm.lock"):
        return "toml"
    if low.endswith(".properties"):
        return "properties"
    if low.endswith((".tf", ".hcl", ".tfvars")):
        return "hcl"
    if any(fnmatch.fnmatch(low, p) for p in ENV_NAMES):
        return "env"
    if any(fnmatch.fnmatch(low, p) for p in INI_NAMES) or low.startswith("php.ini-"):
        return "ini"
    return None


# ----------------------------------------------------------------- download

UA = "gocfg-corpus-fetch/1 (+https://pypi.org/project/gocfg)"


def http_get(url: str, accept: Optional[str] = None, tries: int = 3) -> bytes:
    headers = {"User-Agent": UA}
    if accept:
        headers["Accept"] = accept
    for attempt in range(tries):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as r:
                return r.read()
        except urllib.error.HTTPError:
            raise  # a 404 is an answer: no point asking again
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            if attempt == tries - 1:
                raise
            time.sleep(2 * (attempt + 1))
    raise AssertionError("unreachable")


def cached(path: Path, fetch: Callable[[], bytes], sha256: Optional[str] = None,
           sha1: Optional[str] = None) -> Path:
    """path, downloading it with fetch() unless a good copy is there already."""
    def good(data: bytes) -> bool:
        if sha256 and hashlib.sha256(data).hexdigest() != sha256:
            return False
        if sha1 and hashlib.sha1(data).hexdigest() != sha1:
            return False
        return True
    if path.exists() and good(path.read_bytes()):
        return path
    data = fetch()
    if not good(data):
        raise RuntimeError(f"checksum mismatch for {path.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)  # a run killed mid-download leaves no half archive
    return path


def pypi_sdist(cache: Path, name: str, version: str) -> Path:
    # The simple repository API (PEP 691), as pip uses it, lists every file
    # with its sha256; the sdist is the .tar.gz (or .zip) of that version.
    norm = name.lower().replace("_", "-").replace(".", "-")
    index_path = cache / "archives" / "pypi" / f"{norm}.index.json"
    listing = json.loads(cached(index_path, lambda: http_get(
        f"https://pypi.org/simple/{norm}/", "application/vnd.pypi.simple.v1+json")).read_text())
    stems = {f"{n}-{version}" for n in (name, norm, norm.replace("-", "_"), name.replace("-", "_"))}
    for f in listing["files"]:
        fn = f["filename"]
        for ext in (".tar.gz", ".zip"):
            if fn.endswith(ext) and fn[: -len(ext)].lower() in {s.lower() for s in stems}:
                return cached(cache / "archives" / "pypi" / fn, functools.partial(http_get, f["url"]),
                              sha256=f["hashes"].get("sha256"))
    # the index is kept, so a version newer than the cached index is asked for once more
    index_path.unlink()
    raise RuntimeError(f"no sdist of {name} {version}")


def npm_tarball(cache: Path, name: str, version: str) -> Path:
    fn = name.replace("/", "__").lstrip("@") + f"-{version}.tgz"
    target = cache / "archives" / "npm" / fn
    if target.exists():
        return target

    def fetch() -> bytes:
        # npm pack downloads the published tarball (no scripts run, nothing installed)
        with tempfile.TemporaryDirectory() as d:
            out = subprocess.run(["npm", "pack", "--silent", "--ignore-scripts", f"{name}@{version}"],
                                 cwd=d, capture_output=True, text=True, timeout=300)
            if out.returncode != 0:
                raise RuntimeError(f"npm pack {name}@{version}: {out.stderr.strip()[-300:]}")
            tgz = [p for p in os.listdir(d) if p.endswith(".tgz")]
            return Path(d, tgz[0]).read_bytes()
    return cached(target, fetch)


def crate(cache: Path, name: str, version: str) -> Path:
    return cached(cache / "archives" / "crates" / f"{name}-{version}.crate",
                  lambda: http_get(f"https://static.crates.io/crates/{name}/{name}-{version}.crate"))


def maven_jar(cache: Path, group: str, artifact: str, version: str) -> Path:
    base = f"https://repo1.maven.org/maven2/{group.replace('.', '/')}/{artifact}/{version}/{artifact}-{version}.jar"
    sha1 = http_get(base + ".sha1").decode().split()[0] if not (
        cache / "archives" / "maven" / f"{artifact}-{version}.jar").exists() else None
    return cached(cache / "archives" / "maven" / f"{artifact}-{version}.jar", lambda: http_get(base), sha1=sha1)


def go_module(cache: Path, module: str, version: str) -> Path:
    # the module cache verifies the zip against the checksum database
    out = subprocess.run(["go", "mod", "download", "-json", f"{module}@{version}"],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"go mod download {module}@{version}: {out.stdout.strip()[-300:]} {out.stderr.strip()[-300:]}")
    return Path(json.loads(out.stdout)["Zip"])


def debian_deb(cache: Path, name: str) -> Path:
    d = cache / "archives" / "debian"
    d.mkdir(parents=True, exist_ok=True)
    have = sorted(d.glob(f"{name}_*.deb"))
    if have:
        return have[-1]
    out = subprocess.run(["apt-get", "download", name], cwd=d, capture_output=True, text=True, timeout=600)
    have = sorted(d.glob(f"{name}_*.deb"))
    if out.returncode != 0 or not have:
        raise RuntimeError(f"apt-get download {name}: {out.stderr.strip()[-300:]} (run apt-get update first?)")
    return have[-1]


# ------------------------------------------------------------------ members

def tar_members(path: Path) -> Iterator[tuple[str, bytes]]:
    with tarfile.open(path) as tf:
        for m in tf:
            if m.isfile() and m.size <= MAX_BYTES:
                f = tf.extractfile(m)
                if f is not None:
                    yield m.name, f.read()


def zip_members(path: Path) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not info.is_dir() and info.file_size <= MAX_BYTES:
                yield info.filename, zf.read(info)


def deb_members(path: Path) -> Iterator[tuple[str, bytes]]:
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["dpkg-deb", "-x", str(path), d], check=True, timeout=300)
        for root, _, files in os.walk(d):
            for fn in files:
                p = Path(root, fn)
                if p.is_file() and not p.is_symlink() and p.stat().st_size <= MAX_BYTES:
                    yield str(p.relative_to(d)), p.read_bytes()


def strip_top(name: str, registry: str) -> str:
    """The path inside the project: sdists, npm and crates wrap everything in one folder."""
    name = name.lstrip("./")
    if registry in ("pypi", "npm", "crates") and "/" in name:
        return name.split("/", 1)[1]
    if registry == "gomod" and "@" in name:
        return name.split("@", 1)[1].split("/", 1)[-1]  # module@version/...
    return name


# --------------------------------------------------------------------- main

def sources(only: set[str]) -> Iterator[tuple[str, str, Callable[[Path], Path], Callable[[Path], Iterator[tuple[str, bytes]]]]]:
    if "pypi" in only:
        for n, v in PYPI:
            yield "pypi", f"{n}-{v}", lambda c, n=n, v=v: pypi_sdist(c, n, v), \
                lambda p: zip_members(p) if p.suffix == ".zip" else tar_members(p)
    if "npm" in only:
        for n, v in NPM:
            yield "npm", f"{n.lstrip('@').replace('/', '__')}-{v}", lambda c, n=n, v=v: npm_tarball(c, n, v), tar_members
    if "crates" in only:
        for n, v in CRATES:
            yield "crates", f"{n}-{v}", lambda c, n=n, v=v: crate(c, n, v), tar_members
    if "maven" in only:
        for g, a, v in MAVEN:
            yield "maven", f"{a}-{v}", lambda c, g=g, a=a, v=v: maven_jar(c, g, a, v), zip_members
    if "gomod" in only:
        for mod, v in GOMOD:
            yield "gomod", f"{mod.replace('/', '__')}-{v}", lambda c, mod=mod, v=v: go_module(c, mod, v), zip_members
    if "debian" in only:
        for n in DEBIAN:
            yield "debian", n, lambda c, n=n: debian_deb(c, n), deb_members


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path,
                    default=Path(os.environ.get("GOCFG_CORPUS_DIR", Path.home() / ".cache" / "gocfg-corpus")))
    ap.add_argument("--only", default="pypi,npm,crates,maven,gomod,debian",
                    help="comma-separated registries (default: all)")
    args = ap.parse_args()
    cache: Path = args.cache.expanduser()
    only = set(args.only.split(","))
    files_dir = cache / "files"
    # the layout is rebuilt from the archives, so a changed list leaves no
    # stale files; registries left out by --only keep what they have
    manifest: list[dict[str, str]] = []
    old_manifest = cache / "manifest.json"
    if old_manifest.exists():
        manifest = [m for m in json.loads(old_manifest.read_text()) if m["registry"] not in only]
    for registry in only:
        if (files_dir / registry).exists():
            shutil.rmtree(files_dir / registry)
    failed: list[str] = []
    for registry, label, get, members in sources(only):
        try:
            archive = get(cache)
        except Exception as e:  # one missing package must not lose the others
            print(f"skip {registry} {label}: {e}", file=sys.stderr)
            failed.append(f"{registry} {label}")
            continue
        picked: dict[str, list[tuple[str, bytes]]] = {}
        try:
            for name, data in members(archive):
                rel = strip_top(name, registry)
                if any(part in ("node_modules", "__MACOSX") for part in rel.split("/")):
                    continue
                fmt = classify(rel, data[:64])
                if fmt:
                    picked.setdefault(fmt, []).append((rel, data))
        except (tarfile.TarError, zipfile.BadZipFile, OSError, subprocess.SubprocessError) as e:
            print(f"skip {registry} {label}: bad archive: {e}", file=sys.stderr)
            failed.append(f"{registry} {label}")
            continue
        n = 0
        for fmt, items in sorted(picked.items()):
            # shallow files first (the project's own settings), then by path:
            # deterministic for a pinned version
            items.sort(key=lambda it: (it[0].count("/"), it[0]))
            for rel, data in items[:MAX_PER_FORMAT]:
                dest = files_dir / registry / label / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
                manifest.append({"path": str(dest.relative_to(cache)), "format": fmt,
                                 "registry": registry, "package": label, "member": rel})
                n += 1
        print(f"{registry:7} {label:45} {n:4} files", file=sys.stderr)
    (cache / "manifest.json").write_text(json.dumps(manifest, indent=1))
    counts: dict[str, int] = {}
    for m in manifest:
        counts[m["format"]] = counts.get(m["format"], 0) + 1
    print(f"{len(manifest)} files in {cache}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if failed:
        print(f"{len(failed)} packages skipped: " + ", ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
