# accreditation pages
