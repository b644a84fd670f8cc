"""Khabar's application layer: commands, front ends (Telegram, terminal), scheduling, delivery."""
