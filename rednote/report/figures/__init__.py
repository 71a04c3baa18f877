"""Figures, one module per stage that draws them (a change to one stage's figures reruns that stage and findings
only), over what they share (:mod:`rednote.report.figures.common`)."""
