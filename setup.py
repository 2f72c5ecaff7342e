"""Setuptools hook: a package build compiles the interface catalogues (.po to .mo) first.

Everything else about the package is in pyproject.toml; the compiled catalogues are never committed.
"""

from babel.messages.frontend import CommandLineInterface
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        CommandLineInterface().run(["pybabel", "-q", "compile", "-d", "engine/locale", "-D", "messages"])
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
