"""The dataset build pipeline: raw open data in, the committed files of data/ out.

`build.build(raw, out)` runs the steps; the modules hold one step each (countries,
municipalities, gazetteer, twinning, networks, basemap) and the writer and report."""
