-- The file itself never ends.
while true do end
