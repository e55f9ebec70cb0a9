import Stats
