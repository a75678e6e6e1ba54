# jobs pages
