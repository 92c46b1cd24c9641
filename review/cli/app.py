"""`review app [PROJECT]`: run the Streamlit dashboard on a project (or the demo working copy)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from review.app import workcopy
from review.store import Project

PROJECT_ENV = "MT_REVIEW_PROJECT"  # same name as review.app.state.PROJECT_ENV (not imported: slow)
PROJECTS_DIR_ENV = "MT_REVIEW_PROJECTS_DIR"  # same as review.app.state.PROJECTS_DIR_ENV


def _has_display() -> bool:
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def streamlit_command(script: Path, port: int | None, host: str | None,
                      env: dict[str, str]) -> list[str]:
    """The `streamlit run` command line. Options the user did not give are left to Streamlit's
    own STREAMLIT_* environment variables and config files; only the address gets a safe
    default (localhost only) when nothing sets it."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(script)]
    if port is not None:
        cmd += ["--server.port", str(port)]
    if host is not None:
        cmd += ["--server.address", host]
    elif "STREAMLIT_SERVER_ADDRESS" not in env:
        cmd += ["--server.address", "127.0.0.1"]
    if "STREAMLIT_BROWSER_GATHER_USAGE_STATS" not in env:
        cmd += ["--browser.gatherUsageStats", "false"]
    if "STREAMLIT_CLIENT_TOOLBAR_MODE" not in env:
        cmd += ["--client.toolbarMode", "minimal"]  # no "Deploy" button in a local review tool
    if "STREAMLIT_SERVER_HEADLESS" not in env and not _has_display():
        cmd += ["--server.headless", "true"]
    return cmd


def server_env(project: Path, projects_dir: Path | None, environ: dict[str, str]) -> dict[str, str]:
    """The server's environment: the project to serve and, when given, the projects folder (the
    only folder the sidebar opens other projects from; else the project's own folder)."""
    env = dict(environ)
    env[PROJECT_ENV] = str(project)
    if projects_dir is not None:
        env[PROJECTS_DIR_ENV] = str(projects_dir.expanduser().resolve())
    return env


@click.command()
@click.argument("project", required=False, type=click.Path(path_type=Path))  # checked by Project.open
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port to serve on (default: STREAMLIT_SERVER_PORT, else Streamlit's 8501).")
@click.option("--host", default=None,
              help="Address to bind (default: STREAMLIT_SERVER_ADDRESS, else 127.0.0.1).")
@click.option("--projects-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help=f"The folder whose projects the dashboard may open (default: {PROJECTS_DIR_ENV}, "
                   "else the folder of PROJECT).")
def app(project: Path | None, port: int | None, host: str | None, projects_dir: Path | None) -> None:
    """Open the review dashboard on PROJECT (a project made by `review init`).

    Without PROJECT it opens a working copy of the bundled demo corpus in your data directory
    ($XDG_DATA_HOME/mt-review or ~/.local/share/mt-review), built on first use and kept, so
    your corrections there survive restarts. The sidebar can switch to another project of the
    projects folder only, never to any other file of the server.
    """
    if project is None:
        path = workcopy.demo_project_path()
        if not path.exists():
            click.echo(f"Building the demo project at {path} (first start only)...", err=True)
        project = workcopy.build_demo(path)
    project = project.expanduser().resolve()
    Project.open(project).close()  # a missing or foreign file fails here, as a one-line error

    env = server_env(project, projects_dir, dict(os.environ))
    script = Path(workcopy.__file__).resolve().parent / "entry" / "dashboard.py"
    click.echo(f"Reviewing {project}", err=True)
    cmd = streamlit_command(script, port, host, env)
    if os.name == "posix":
        # Become the server: signals (Ctrl+C, a supervisor's SIGTERM) reach Streamlit directly
        # and no orphan server outlives this command.
        os.execve(cmd[0], cmd, env)
    try:
        code = subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        code = 0
    sys.exit(code)
