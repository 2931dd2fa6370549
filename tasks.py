"""deckbook's task menu: each task calls the package (see `invoke --list`)."""

import sys

from invoke import Collection, Exit, task

from deckbook import project, system


def _done(code: int) -> None:
    if code:
        raise Exit(code=code)


@task
def setup(c):
    """Install the Debian packages in debian-packages.txt that are missing (as root), then fetch veraPDF."""
    _done(system.setup() or system.fetch_tools())


@task(help={"course": "slug or path (default: every course)", "strict": "warnings are errors",
            "code": "also run `cargo test` in each course's code/ workspace"})
def check(c, course=None, strict=False, code=False):
    """Validate content without rendering: schema, placeholders, includes, overflow report."""
    _done(project.run("check", course, *project.flags(strict=strict)) or (code and project.cargo_test(course)))


@task
def clean(c):
    """Remove build/ (and nothing else)."""
    project.clean()


@task(help={"args": "extra pytest arguments, e.g. '-k deck -x'"})
def test(c, args=""):
    """Run the test suite."""
    _done(project.test(args))


@task(help={"name": "the new course's slug (created under content/)", "title": "its title"})
def new(c, name, title=None):
    """Scaffold a course from the examples template (its placeholders fail `check` until filled)."""
    _done(project.new(name, title))


@task(name="import", help={"kind": "mdbook, marp or pandoc", "source": "the mdBook folder or the Markdown file",
                           "name": "the new course's slug (written under content/)",
                           "force": "write into content/N even if it is not empty",
                           "slide_level": "pandoc only: the --slide-level the slide show was made with"})
def import_(c, kind, source, name, force=False, slide_level=None):
    """Convert an mdBook, Marp deck or pandoc slide show into content/N (and list what was not carried over)."""
    _done(project.import_course(kind, source, name, force, slide_level))


@task(help={"course": "slug or path (default: the only course, or rust-backend)"})
def watch(c, course=None):
    """Rebuild what changed on every save (Ctrl-C to stop)."""
    project.watch(course)


@task(help={"version": "release version (default: each course's)"})
def release(c, version=None):
    """Clean, reproducible build of every course into build/release/<version>/ with SHA256SUMS and manifest.json."""
    project.release(version)


@task(help={"scales": "comma-separated course scales", "runs": "runs per measurement (median)",
            "pandoc": "also time the pandoc pipeline when pandoc is installed",
            "profile": "also profile a handbook build (where the time goes)"})
def bench(c, scales="1,10,50", runs=3, pandoc=True, profile=True):
    """Benchmark cold / no-op / one-chapter builds of scaled courses, against pandoc; writes docs/benchmarks.md."""
    from deckbook import bench as b

    b.main([int(s) for s in scales.split(",")], int(runs), pandoc, profile)


@task(help={"course": "slug or path (default: every course with a measure command)"})
def measure(c, course=None):
    """Re-run the course's measurements (its `measure` crate rewrites the data/ its metrics blocks read)."""
    _done(project.measure(course))


# `build` and one task per group of outputs (deck, handbook, …), made from deckbook.outputs.OUTPUTS.
ns = Collection.from_module(sys.modules[__name__])
for group_task in project.output_tasks():
    ns.add_task(group_task)
