"""The communication preferences say what each channel is used for. The
fields are renamed, so every member keeps exactly what they chose:
wants_email meant "bulletins by email", wants_post "mail-outs by post" and
wants_sms "text messages about ballots"."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0004_member_list_indexes"),
    ]

    operations = [
        migrations.RenameField(model_name="member", old_name="wants_email", new_name="bulletins_by_email"),
        migrations.RenameField(model_name="member", old_name="wants_post", new_name="bulletins_by_post"),
        migrations.RenameField(model_name="member", old_name="wants_sms", new_name="ballots_by_text"),
        migrations.AlterField(
            model_name="member",
            name="bulletins_by_email",
            field=models.BooleanField(db_default=True, default=True, verbose_name="each bulletin by email"),
        ),
        migrations.AlterField(
            model_name="member",
            name="bulletins_by_post",
            field=models.BooleanField(db_default=False, default=False, verbose_name="bulletins and other mail-outs by post"),
        ),
        migrations.AlterField(
            model_name="member",
            name="ballots_by_text",
            field=models.BooleanField(db_default=False, default=False, verbose_name="text messages about ballots: invitations and reminders"),
        ),
    ]
