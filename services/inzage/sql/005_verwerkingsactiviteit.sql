-- The zaaktype versions by the verwerkingsactiviteit they name: the name and
-- purpose of an activity in a person's Logboek Dataverwerkingen
-- (verwerkingen.activiteit) are looked up here, per activity of the person,
-- the newest version first.
CREATE INDEX zaaktypen_verwerkingsactiviteit
    ON zaaktypen ((doc #>> '{verwerkingsactiviteit,id}'), begin_geldigheid DESC);
