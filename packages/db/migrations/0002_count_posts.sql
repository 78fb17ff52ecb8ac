-- The number of posts, kept by the database as posts are inserted, deleted or truncated: `count(*)` reads the
-- whole table, so at 20,000 posts it capped GET /api/posts at about 1,100 answers a second, and at 200,000 at 80.
-- Statement-level triggers keep it exact, in the transaction that changes the table: a reader's snapshot sees a
-- total that matches the posts it sees. The total is spread over 16 rows, each statement adding to one of them
-- at random, and read as their sum: writers take turns on a row until they commit, and on one row alone they
-- would insert one at a time.
create table if not exists posts_count (
  slot smallint primary key check (slot between 0 and 15),
  total bigint not null
);

create or replace function posts_count_changed() returns trigger language plpgsql as $$
declare
  changed bigint;
  -- Drawn once: random() in the where clause would be drawn again for every row.
  chosen smallint := floor(random() * 16);
begin
  if tg_op = 'INSERT' then
    changed := (select count(*) from inserted);
  else
    changed := -(select count(*) from deleted);
  end if;
  -- A statement that changed no row takes no turn on a row.
  if changed <> 0 then
    update posts_count set total = total + changed where slot = chosen;
  end if;
  return null;
end
$$;

create or replace function posts_count_truncated() returns trigger language plpgsql as $$
begin
  update posts_count set total = 0;
  return null;
end
$$;

-- No insert or delete may land between the count below and the triggers: they wait for this transaction.
lock table posts in share row exclusive mode;

create or replace trigger posts_count_inserted
  after insert on posts referencing new table as inserted
  for each statement execute function posts_count_changed();

create or replace trigger posts_count_deleted
  after delete on posts referencing old table as deleted
  for each statement execute function posts_count_changed();

create or replace trigger posts_count_truncated
  after truncate on posts
  for each statement execute function posts_count_truncated();

insert into posts_count (slot, total)
select slot, case when slot = 0 then (select count(*) from posts) else 0 end
from generate_series(0, 15) as slot
on conflict (slot) do update set total = excluded.total;
