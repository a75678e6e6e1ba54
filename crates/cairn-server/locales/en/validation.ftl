# validation pages
