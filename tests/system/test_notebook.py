"""examples/quickstart.ipynb, executed in a real Jupyter kernel (nbclient)."""
from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from conftest import ROOT  # noqa: E402


def outputs_of(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        elif out.get("output_type") in ("execute_result", "display_data"):
            data = out["data"]
            parts.append(data.get("text/html", "") + "\n" + data.get("text/plain", ""))
        elif out.get("output_type") == "error":
            parts.append(f"ERROR {out['ename']}: {out['evalue']}")
    return "\n".join(parts)


def test_quickstart_notebook_runs_and_shows_layers(tmp_path):
    src = ROOT / "examples" / "quickstart.ipynb"
    nb = nbformat.read(src, as_version=4)
    # One more cell, after the notebook's own: what it left behind in the
    # kernel's process (its environment) and on disk (its directory).
    nb.cells.append(nbformat.v4.new_code_cell(
        'print("left:", os.environ.get("APP_SERVER__PORT"), os.path.exists(workdir.name))'))
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    texts = [outputs_of(c) for c in code]
    for t in texts:
        assert "ERROR" not in t, t
    table = texts[1]
    assert "<table" in table and "server.port" in table and "9000" in table
    assert "env APP_SERVER__PORT" in table and "app.yaml:4:3" in table and "override debug=true" in table
    assert "hunter2" not in table and "********" in table           # the secret is masked
    prov = texts[2]
    assert "server.port = 9000 from env APP_SERVER__PORT" in prov
    assert "server.host = localhost from app.local.toml:2:1" in prov
    assert "set by app.yaml:3:3" in prov and "set by env APP_SERVER__PORT" in prov
    typed = texts[3]
    assert "http://localhost:9000/" in typed and "0:00:30" in typed
    assert "Server(host='localhost', port=9000" in typed
    diff = texts[4]
    assert "~ server.port: 9000 -> 9443" in diff and '~ db.user: "app" -> "staging"' in diff
    assert "- debug: true" in diff and "FrozenError" in diff
    # It wrote nothing into its working directory, removed its temporary
    # one, and left the process's environment as it found it.
    assert list(tmp_path.iterdir()) == []
    assert "left: None False" in texts[-1]
