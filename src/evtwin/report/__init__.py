"""Reports: the headline card and other summaries, as data for the interfaces."""
