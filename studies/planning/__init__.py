"""A study's quota plan typed as text: its dimensions and bands (`parsing`), the cells and goals form
(`forms`), and storing it so that cells which stay keep their mappings (`saving`)."""
