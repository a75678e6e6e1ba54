# workforce pages
