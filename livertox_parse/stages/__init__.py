"""Stages: Document -> facts -> Monograph, in pipeline order.

:mod:`.sections` finds the headings, :mod:`.chapter` and :mod:`.cases` read the facts (with the value
parsers of :mod:`.normalize`), :mod:`.assemble` builds the Monograph and runs :mod:`.consistency`, and
:mod:`.entities` adds the spaCy entities. A stage imports only the document model, the models, the rules and
earlier stages; never a reader or an application.
"""
