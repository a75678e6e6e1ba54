//! Server-rendered SVG pictures for workforce pages: the team heat map and the competency radar.
