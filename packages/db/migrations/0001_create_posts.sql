-- The table of the original Flask version, column for column. `if not exists` adopts a database that version
-- created, and the initial posts go only into an empty table.
create table if not exists posts (
  id serial primary key,
  titulo varchar(200) not null,
  conteudo text not null,
  autor varchar(100) not null default 'Anônimo',
  data_criacao timestamptz not null default now()
);

create index if not exists posts_newest_first on posts (data_criacao desc, id desc);

insert into posts (titulo, conteudo, autor)
select titulo, conteudo, autor
from (
  values
    (
      1,
      'Bem-vindo ao Docker Compose',
      'Esta API, o PostgreSQL e o Redis sobem juntos com um único docker compose up.',
      'Equipe'
    ),
    (
      2,
      'Serviços que conversam pela rede do Compose',
      'Cada serviço encontra o outro pelo nome: a API fala com "db" e "cache", sem IPs fixos.',
      'Equipe'
    ),
    (
      3,
      'Dados que sobrevivem ao restart',
      'Um volume nomeado guarda os dados do PostgreSQL mesmo quando o contêiner é recriado.',
      'Equipe'
    )
) as initial_posts (position, titulo, conteudo, autor)
where not exists (select from posts)
order by position;
