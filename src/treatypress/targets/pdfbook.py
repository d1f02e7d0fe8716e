"""The PDF target: the print edition, laid out in one process or in parts, then imposed.

It decides how the book is laid out (``pdf_parts.py`` for a long book on several cores, else
``pdf.py`` in this process), writes the PDF, and hands the layout on as the build's
:class:`PrintEdition`, which the e-book and the web edition read for printed page numbers.
"""

from __future__ import annotations

from typing import ClassVar, cast

from ..diagnostics import has_errors
from ..pdf.laidout import counting_layouts
from . import Artifact, pdf, pdf_parts
from .base import Built, PrintEdition, Target, Work


class PdfTarget(Target):
    name: ClassVar[str] = "pdf"
    provides_print: ClassVar[bool] = True
    lays_out_pages: ClassVar[bool] = True

    def build(self, work: Work) -> Built:
        variant = work.config.pdf.variant
        # In parts only when the PDF is kept: made for another output's page numbers, one
        # process is enough (and the parts' join exists for the written file).
        workers = _workers(work) if work.kept else 1
        if workers > 1:  # before any WeasyPrint set-up in this process: the workers are forked from it
            with work.stages.stage("layout in parts"):
                try:
                    in_parts = pdf_parts.build_in_parts(work.book, variant, workers, work.cache)
                except pdf_parts.PartsDiffer:  # a part came out unlike the plan: one process decides
                    in_parts = None
            if in_parts is not None:
                if in_parts.artifact is None or has_errors(in_parts.problems):
                    return Built((), in_parts.problems)
                edition = PrintEdition(
                    in_parts.page_map,
                    in_parts.print_pages,
                    in_parts.pages,
                    in_parts.parts,
                    in_parts.reused,
                    in_parts.pages_laid_out,
                )
                return Built(self._imposed(work, in_parts.artifact), in_parts.problems, edition)
        fonts = work.fonts.get()
        # an EPUB that asked for printed pages without the PDF: the PDF is made (so that the
        # index's own pages are in the page list, as beside a built PDF) and not written
        with work.stages.stage("layout"), counting_layouts() as layout_count:
            layout = pdf.lay_out(work.book, variant, fonts)
        with work.stages.stage("pdf" if work.kept else "print pages"), counting_layouts() as pdf_count:
            artifact, found, print_pages = pdf.build_pdf(work.book, layout, variant, fonts)
        if artifact is None or has_errors(found):
            return Built((), found)
        # the PDF's pages: the body's layout, its index placeholder replaced by the index's pages
        pages = len(print_pages.starts) if print_pages else len(layout.document.pages)
        edition = PrintEdition(layout.page_map, print_pages, pages, laid_out=layout_count.pages + pdf_count.pages)
        del layout  # WeasyPrint's boxes are the bulk of the build's memory
        return Built(self._imposed(work, artifact) if work.kept else (), found, edition)

    def _imposed(self, work: Work, artifact: Artifact) -> tuple[Artifact, ...]:
        """The PDF, and its sheets for folding when ``[pdf] impose`` asks for them."""
        config = work.config
        if config.pdf.impose == "none":
            return (artifact,)
        from ..pdf.impose import ImposeMode, SheetName, impose

        with work.stages.stage("impose"):
            # the settings were validated against the same choices impose() accepts
            mode = cast(ImposeMode, config.pdf.impose)
            sheet = cast(SheetName, config.pdf.sheet)
            return artifact, Artifact(f"{config.slug}-imposed.pdf", impose(artifact.data, mode, sheet))


def _workers(work: Work) -> int:
    """Processes to lay the PDF out with: ``jobs``, or chosen from the book's size; 1 where one
    process is the only way proven to give the same PDF (see ``pdf_parts.py``)."""
    workers = work.jobs if work.jobs is not None else pdf_parts.auto_jobs(work.book)
    if workers > 1 and pdf_parts.unsafe_reason(work.book, work.config.pdf.variant) is None:
        return workers
    return 1
